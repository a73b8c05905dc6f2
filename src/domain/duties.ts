// My duties (issue 12, docs/duties.md): a teacher's approved applications with their station, position
// and days, and one duty with its attendance and its claim. The rules of checking in and out are in
// attendance.ts, those of claims in claims.ts; this module only reads.
import type { Db } from '../db/knex';
import { dutiesWithStation } from './applications';
import { daysAttended, onDay } from './attendance';
import { claimView, settleClaims } from './claims';
import type { DutyDetails, DutyPage, DutySummary } from './duty-types';
import type { Lang } from './language';
import { localName } from './reference-names';
import { eatDay, formatEatTime, systemClock, type Clock } from './time';

type DutyRow = {
  id: number;
  exam: string;
  position: string;
  position_sw: string | null;
  station: string;
  duty_starts_on: string | null;
  duty_ends_on: string | null;
};

function summary(r: DutyRow, lang: Lang): DutySummary {
  return {
    applicationId: r.id,
    exam: r.exam,
    position: localName(lang, r.position, r.position_sw),
    station: r.station,
    startsOn: r.duty_starts_on,
    endsOn: r.duty_ends_on,
  };
}

export function createDuties(db: Db, opts: { now?: Clock } = {}) {
  const now = opts.now ?? systemClock;
  const duties = (accountId: number) =>
    dutiesWithStation(db)
      .join('positions as p', 'p.code', 'v.position')
      .where('ap.account_id', accountId)
      .select(
        'ap.id',
        'ap.exam',
        'p.name as position',
        'p.name_sw as position_sw',
        'd.name as station',
        'v.duty_starts_on',
        'v.duty_ends_on',
      );

  return {
    /** The account's duties, most recent first, `limit` at a time. */
    async list(accountId: number, page: { limit: number; after?: number; lang: Lang }): Promise<DutyPage> {
      const rows = (await duties(accountId)
        .modify((q) => {
          if (page.after !== undefined) void q.where('ap.id', '<', page.after);
        })
        .orderBy('ap.id', 'desc')
        .limit(page.limit + 1)) as DutyRow[];
      const shown = rows.slice(0, page.limit);
      const last = shown.at(-1);
      return {
        duties: shown.map((r) => summary(r, page.lang)),
        next: rows.length > page.limit && last ? { id: last.id } : undefined,
      };
    },

    /** One duty of the account, with its attendance, its claim, and whether today is one of its days. */
    async details(accountId: number, applicationId: number, lang: Lang): Promise<DutyDetails | undefined> {
      if (!Number.isSafeInteger(applicationId)) return undefined;
      const at = now();
      const row = (await duties(accountId).where('ap.id', applicationId).first()) as DutyRow | undefined;
      if (!row) return undefined;
      const marks = (await db('attendance')
        .where({ application_id: applicationId })
        .orderBy('day')
        .select('day', 'checked_in_at', 'checked_out_at')) as {
        day: string;
        checked_in_at: Date;
        checked_out_at: Date | null;
      }[];
      await settleClaims(db, at, accountId);
      const claim = (await db('claims').where({ application_id: applicationId }).first()) as
        Parameters<typeof claimView>[0] | undefined;
      const today = eatDay(at);
      const onDuty = (await onDay(duties(accountId).where('ap.id', applicationId), today).first('ap.id')) as
        { id: number } | undefined;
      const attended = (await daysAttended(db)
        .where('t.application_id', applicationId)
        .count({ n: '*' })
        .first()) as { n: number | string };
      const attendance = marks.map((m) => ({
        day: m.day,
        in: formatEatTime(m.checked_in_at),
        out: m.checked_out_at ? formatEatTime(m.checked_out_at) : null,
      }));
      return {
        ...summary(row, lang),
        attendance,
        todayMark: attendance.find((a) => a.day === today) ?? null,
        attended: Number(attended.n),
        today: onDuty !== undefined,
        claim: claim ? claimView(claim) : null,
      };
    },
  };
}

export type Duties = ReturnType<typeof createDuties>;
