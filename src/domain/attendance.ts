// Attendance (issue 12, docs/duties.md): on a duty's day the teacher checks in and out with the station's
// code for that day, read out by the centre manager; the operator gets the code from the admin API. The
// rules, each in one place here and held by the database under concurrency (migration 070):
// - a code is 6 random digits (crypto), made on the first request, one per station and day
//   (primary key; a racing second request reads the first one's code);
// - only on the duty's days (Nairobi), only for an approved application at that station;
// - one check-in and one check-out per duty and day: the unique (application_id, day) and a conditional
//   update (`checked_out_at is null`), so 50 concurrent check-ins make one row;
// - 3 wrong codes in a row lock the account's check-in for 30 minutes: the account's lockout row is
//   locked first, so concurrent attempts of one account are counted one after the other.
// Each mark is a duty_events row and queues a confirmation SMS in the same transaction (the teacher learns
// what was recorded even when the USSD screen saying so was lost: decisions/0010).
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { boundedTransaction } from '../db/bounded-transaction';
import type { Db } from '../db/knex';
import { teacherActor, type Via } from './actors';
import { recordAdminAction } from './admin-audit';
import { dutiesWithStation } from './applications';
import { recordDutyEvents, subjectOf } from './duty-events';
import type { AttendanceKind, MarkResult } from './duty-types';
import { CODE_DIGITS } from './limits';
import { afterWrong, CODE_LOCKOUT, isLocked } from './lockout';
import { enqueueSms, languageOf } from './outbox';
import { eatDay, formatDay, formatEatTime, systemClock, type Clock } from './time';

/** A fresh attendance code: 6 digits from the OS's random source, leading zeros kept. */
export function newAttendanceCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Duties (`v`: their vacancy) whose days include `day`: the days a teacher can check in. */
export function onDay(q: Knex.QueryBuilder, day: string): Knex.QueryBuilder {
  return q.where('v.duty_starts_on', '<=', day).andWhere('v.duty_ends_on', '>=', day);
}

/** A day attended (attendance row `t`): checked in and out. A claim pays these, My duties counts them. */
export const attendedSql = (t = 't') => `${t}.checked_out_at is not null`;

/** Days attended (`t`). */
export function daysAttended(db: Knex) {
  return db('attendance as t').whereRaw(attendedSql('t'));
}

export type MarkRequest = {
  accountId: number;
  phone: string;
  kind: AttendanceKind;
  code: string;
  /** `ussd` or `sms`: recorded as the actor `<via>:<phone>` (actors.ts). */
  via: Via;
  /** From My duties: the duty chosen. By SMS: whichever of today's duties the code belongs to. */
  applicationId?: number;
};

/**
 * Checks the account in or out, in the caller's transaction. Returns what was recorded (or why not) and
 * when, in Nairobi time.
 */
export async function markIn(trx: Knex, req: MarkRequest, at: Date): Promise<MarkResult> {
  // The account's lockout row, locked: its attempts are counted one after the other.
  await trx.raw('insert into attendance_lockouts (account_id) values (?) on conflict do nothing', [
    req.accountId,
  ]);
  const lock = (await trx('attendance_lockouts')
    .where({ account_id: req.accountId })
    .forUpdate()
    .first('failures', 'locked_until')) as { failures: number; locked_until: Date | null };
  if (isLocked(lock.locked_until, at)) {
    return { status: 'locked', until: formatEatTime(lock.locked_until) };
  }
  const day = eatDay(at);
  const duties = (await onDay(dutiesWithStation(trx), day)
    .leftJoin('attendance_codes as c', (j) => {
      j.on('c.duty_station_id', '=', 'd.id').andOn('c.day', '=', trx.raw('?::date', [day]));
    })
    .where('ap.account_id', req.accountId)
    .modify((q) => {
      if (req.applicationId !== undefined) void q.where('ap.id', req.applicationId);
    })
    .orderBy('ap.id')
    .select('ap.id', 'd.name as station', 'c.code')) as {
    id: number;
    station: string;
    code: string | null;
  }[];
  if (duties.length === 0) return { status: 'noDutyToday' };

  const duty = duties.find((d) => d.code !== null && sameCode(d.code, req.code));
  if (!duty) {
    const wrong = afterWrong(CODE_LOCKOUT, lock.failures, at);
    if (wrong.locked) {
      await trx('attendance_lockouts')
        .where({ account_id: req.accountId })
        .update({ failures: wrong.failures, locked_until: wrong.until });
      return { status: 'locked', until: formatEatTime(wrong.until) };
    }
    await trx('attendance_lockouts')
      .where({ account_id: req.accountId })
      .update({ failures: wrong.failures });
    return { status: 'wrongCode', left: wrong.left };
  }
  if (lock.failures > 0) {
    await trx('attendance_lockouts').where({ account_id: req.accountId }).update({ failures: 0 });
  }

  const actor = teacherActor(req.via, req.phone);
  const base = { station: duty.station, day: formatDay(day) };
  if (req.kind === 'in') {
    const [row] = (await trx('attendance')
      .insert({ application_id: duty.id, day, checked_in_at: at })
      .onConflict(['application_id', 'day'])
      .ignore()
      .returning('id')) as { id: number }[];
    if (!row) {
      const seen = (await trx('attendance')
        .where({ application_id: duty.id, day })
        .first('checked_in_at')) as { checked_in_at: Date };
      return { status: 'already', kind: 'in', ...base, at: formatEatTime(seen.checked_in_at) };
    }
    await recordDutyEvents(trx, [
      {
        kind: 'attendance.in',
        subject: subjectOf('attendance', row.id),
        actor,
        at,
        details: { applicationId: duty.id, day },
      },
    ]);
  } else {
    const [row] = (await trx('attendance')
      .where({ application_id: duty.id, day })
      .whereNull('checked_out_at')
      .update({ checked_out_at: at })
      .returning('id')) as { id: number }[];
    if (!row) {
      const seen = (await trx('attendance')
        .where({ application_id: duty.id, day })
        .first('checked_out_at')) as { checked_out_at: Date } | undefined;
      if (!seen) return { status: 'notCheckedIn', ...base };
      return { status: 'already', kind: 'out', ...base, at: formatEatTime(seen.checked_out_at) };
    }
    await recordDutyEvents(trx, [
      {
        kind: 'attendance.out',
        subject: subjectOf('attendance', row.id),
        actor,
        at,
        details: { applicationId: duty.id, day },
      },
    ]);
  }
  const result: MarkResult = { status: 'recorded', kind: req.kind, ...base, at: formatEatTime(at) };
  await enqueueSms(trx, {
    to: req.phone,
    template: req.kind === 'in' ? 'sms.checkedIn' : 'sms.checkedOut',
    lang: await languageOf(trx, req.phone),
    params: { station: result.station, date: result.day, time: result.at },
  });
  return result;
}

export type CodeResult = { status: 'found'; code: string; created: boolean } | { status: 'noStation' };

export type AttendanceFilter = { dutyStation: string; date: string };

export function createAttendance(db: Db, opts: { now?: Clock } = {}) {
  const now = opts.now ?? systemClock;
  return {
    /** A check-in or check-out from USSD (bounded by the hop's deadline). */
    mark(req: MarkRequest): Promise<MarkResult> {
      return boundedTransaction(db, (trx) => markIn(trx, req, now()));
    },

    /**
     * The station's code for the day, made on the first request (a racing request reads the same one).
     * Audited: who read which station's code.
     */
    async code(stationCode: string, day: string, actor: string): Promise<CodeResult> {
      return db.transaction(async (trx) => {
        const station = (await trx('duty_stations').where({ code: stationCode }).first('id')) as
          { id: number } | undefined;
        if (!station) return { status: 'noStation' } as const;
        const inserted = (await trx('attendance_codes')
          .insert({ duty_station_id: station.id, day, code: newAttendanceCode(), created_by: actor })
          .onConflict(['duty_station_id', 'day'])
          .ignore()
          .returning('code')) as { code: string }[];
        const row = (await trx('attendance_codes')
          .where({ duty_station_id: station.id, day })
          .first('code')) as { code: string };
        const created = inserted.length > 0;
        if (created) {
          await recordDutyEvents(trx, [
            { kind: 'attendance.code', subject: `station:${stationCode}:${day}`, actor, at: now() },
          ]);
        }
        await recordAdminAction(trx, {
          actor,
          action: 'attendance.code',
          target: `station:${stationCode}`,
          details: { day, created },
        });
        return { status: 'found', code: row.code, created } as const;
      });
    },

    /**
     * Every duty at the station on the day (approved, the day among its days), with its check-in and
     * check-out; `undefined` when there is no such station.
     */
    async list(f: AttendanceFilter): Promise<Record<string, unknown>[] | undefined> {
      const station = (await db('duty_stations').where({ code: f.dutyStation }).first('id')) as
        { id: number } | undefined;
      if (!station) return undefined;
      return (await onDay(dutiesWithStation(db), f.date)
        .join('accounts as ac', 'ac.id', 'ap.account_id')
        .join('positions as p', 'p.code', 'v.position')
        .leftJoin('profiles as pr', 'pr.account_id', 'ap.account_id')
        .leftJoin('attendance as t', (j) => {
          j.on('t.application_id', '=', 'ap.id').andOn('t.day', '=', db.raw('?::date', [f.date]));
        })
        .where('d.code', f.dutyStation)
        .orderBy('ap.id')
        .select(
          'ap.id as application_id',
          'ac.phone',
          'pr.full_name',
          'ap.exam',
          'ap.activity',
          'p.name as position',
          't.checked_in_at',
          't.checked_out_at',
        )) as Record<string, unknown>[];
    },
  };
}

export type Attendance = ReturnType<typeof createAttendance>;
