// Payment claims (issue 12, docs/duties.md). Daily rates per exam, activity and position (the `rates`
// import). When a duty's last day has passed, its claim is the days attended (checked in and out) × the
// rate: worked out once (`settle`, run before any list of claims is read), and then frozen in the claim
// row (days, rate, amount; a rate changed later changes no claim). A claim goes pending → approved → paid
// (with the M-Pesa reference) or pending → rejected (with a reason). Every step is a conditional update
// (`where status = …`), a duty_events row with who and when, and the teacher's SMS, in one transaction.
// A payment file is all-or-nothing and serialised (an advisory lock), so 50 concurrent uploads of the same
// file pay once; an M-Pesa reference is unique.
import type { Knex } from 'knex';
import { countUpTo, type Total } from '../db/count';
import type { Db } from '../db/knex';
import { recordAdminAction } from './admin-audit';
import { attendedSql, daysAttended } from './attendance';
import { applicationsWithStation, dutiesWithStation } from './applications';
import { codesOf, importer, lockImports, runImport, type ImportResult, type Kind } from './csv-import';
import { recordDutyEvents, subjectOf } from './duty-events';
import { CLAIM_REASON_MAX, PAID, PAYABLE, PENDING, isPayable, type ClaimStatus } from './claim-status';
import { kes, type ClaimView, type PaymentPage } from './duty-types';
import type { Lang } from './language';
import { enqueueSms, languageOf } from './outbox';
import { revealProfileRow } from './personal-data/at-rest';
import type { FieldCipher } from './personal-data/field-cipher';
import { displayPhone } from './phone';
import { localName } from './reference-names';
import { paymentRow, rateRow } from './row-schemas';
import { eatDay, formatEatDate, systemClock, type Clock } from './time';

/** Serialises rate imports between instances (advisory lock key). */
export const RATES_LOCK = 2026120112;
/** Serialises payment uploads: the second upload of a file sees the first one's claims paid. */
export const PAYMENTS_LOCK = 2026120113;

type RateCtx = { exams: Set<string>; activities: Set<string>; positions: Set<string> };

/** `rates`: exam,activity,position,daily_rate_kes; known codes; upserted by the three codes. */
export const rateKind: Kind<typeof rateRow, RateCtx> = {
  noun: 'rate',
  schema: rateRow,
  lockKey: RATES_LOCK,
  context: async (trx) => ({
    exams: await codesOf(trx, 'exams'),
    activities: await codesOf(trx, 'activities'),
    positions: await codesOf(trx, 'positions'),
  }),
  check: (v, _row, ctx) => {
    const issues = [];
    if (!ctx.exams.has(v.exam ?? '')) issues.push({ path: 'exam', message: `unknown exam "${v.exam}"` });
    if (!ctx.activities.has(v.activity ?? ''))
      issues.push({ path: 'activity', message: `unknown activity "${v.activity}"` });
    if (!ctx.positions.has(v.position ?? ''))
      issues.push({ path: 'position', message: `unknown position "${v.position}"` });
    return issues;
  },
  keys: [
    {
      name: 'rate',
      needs: ['exam', 'activity', 'position'],
      of: (v) => {
        const key = `${v.exam} ${v.activity} ${v.position}`;
        return { key, shown: `the rate of ${key}` };
      },
    },
  ],
  write: async (trx) => {
    await trx.raw(
      `insert into rates (exam, activity, position, daily_rate_kes, updated_at)
       select x.exam, x.activity, x.position, x.daily_rate_kes, now()
         from import_rows s cross join lateral jsonb_to_record(s.row) as x(exam text, activity text, position text, daily_rate_kes int)
       on conflict (exam, activity, position) do update
         set daily_rate_kes = excluded.daily_rate_kes, updated_at = excluded.updated_at`,
    );
  },
};

/** `npm run import -- rates file.csv`. */
export const importRates = importer(rateKind);

/** What a claim's SMS and the teacher's lists name: the duty's position, station, exam. */
function claimsWithDuty(db: Knex) {
  return applicationsWithStation(db)
    .join('claims as c', 'c.application_id', 'ap.id')
    .join('positions as p', 'p.code', 'v.position')
    .join('accounts as ac', 'ac.id', 'ap.account_id');
}

type ClaimRow = {
  id: number;
  status: ClaimStatus;
  days: number;
  daily_rate_kes: number;
  amount_kes: number;
  reason: string | null;
  mpesa_ref: string | null;
  updated_at: Date;
};

export function claimView(r: ClaimRow): ClaimView {
  return {
    id: r.id,
    status: r.status,
    days: r.days,
    dailyRate: r.daily_rate_kes,
    amount: r.amount_kes,
    reason: r.reason,
    mpesaRef: r.mpesa_ref,
    updatedOn: formatEatDate(r.updated_at),
  };
}

/**
 * A duty (application `ap`) whose claim is still to be worked out: a day attended, and no claim yet. The
 * council owes for it (erasure waits, retention keeps it) until settleClaims makes its claim.
 */
export const awaitingClaimSql = (ap = 'ap') =>
  `(exists (select 1 from attendance t where t.application_id = ${ap}.id and ${attendedSql('t')})
    and not exists (select 1 from claims c where c.application_id = ${ap}.id))`;

/**
 * Works out the claims of the duties whose last day (Nairobi) has passed and that have none yet: the days
 * checked in and out × the rate of their exam, activity and position. A duty without a rate, or without a
 * day attended, gets no claim (yet: a rate imported later gives it one). Idempotent, and safe to run
 * concurrently (one claim per application: unique). `accountId`: only that teacher's.
 */
export async function settleClaims(db: Knex, at: Date, accountId?: number): Promise<number> {
  const due = dutiesWithStation(db)
    .join('rates as r', (j) => {
      j.on('r.exam', 'ap.exam').andOn('r.activity', 'ap.activity').andOn('r.position', 'v.position');
    })
    .joinRaw('cross join lateral ? as a', [
      db.raw('?', [
        daysAttended(db).whereRaw('t.application_id = ap.id').select(db.raw('count(*)::int as days')),
      ]),
    ])
    .where('v.duty_ends_on', '<', eatDay(at))
    .whereRaw(awaitingClaimSql('ap'))
    .modify((q) => {
      if (accountId !== undefined) void q.where('ap.account_id', accountId);
    })
    .select(
      'ap.id',
      'a.days',
      'r.daily_rate_kes',
      db.raw('a.days * r.daily_rate_kes'),
      db.raw('?::timestamptz', [at]),
      db.raw('?::timestamptz', [at]),
    );
  const { rows } = await db.raw<{
    rows: { id: number; application_id: number; days: number; amount_kes: number }[];
  }>(
    `insert into claims (application_id, days, daily_rate_kes, amount_kes, created_at, updated_at) ?
     on conflict (application_id) do nothing
     returning id, application_id, days, amount_kes`,
    [due],
  );
  await recordDutyEvents(
    db,
    rows.map((r) => ({
      kind: 'claim.created' as const,
      subject: subjectOf('claim', r.id),
      actor: 'system',
      at,
      details: { applicationId: r.application_id, days: r.days, amountKes: r.amount_kes },
    })),
  );
  return rows.length;
}

export type ClaimFilter = { status?: ClaimStatus; after?: number; limit: number };

export type ClaimDecisionResult =
  | { id: number; result: 'approved' | 'rejected' }
  | { id: number; result: 'unchanged'; status: ClaimStatus }
  | { id: number; result: 'notFound' }
  | { id: number; result: 'notPending'; status: ClaimStatus }
  /** The rejection's reason is empty or longer than `max` (CLAIM_REASON_MAX): nothing decided. */
  | { id: number; result: 'invalidReason'; max: number };

export type PaymentResult = ImportResult & { paid?: number };

const ADMIN_COLUMNS = [
  'c.id',
  'c.application_id',
  'ac.phone',
  'ap.exam',
  'ap.activity',
  'v.position',
  'd.code as duty_station',
  'd.name as station_name',
  'c.days',
  'c.daily_rate_kes',
  'c.amount_kes',
  'c.status',
  'c.reason',
  'c.mpesa_ref',
  'c.created_at',
  'c.updated_at',
];

/** The names a claim's SMS shows, in the teacher's language. */
async function smsNames(trx: Knex, claimId: number) {
  const r = (await claimsWithDuty(trx)
    .leftJoin('profiles as pr', 'pr.account_id', 'ap.account_id')
    .where('c.id', claimId)
    .first(
      'ac.phone',
      'p.name as position',
      'p.name_sw as position_sw',
      'd.name as station',
      'pr.mpesa_phone',
    )) as {
    phone: string | null;
    position: string;
    position_sw: string | null;
    station: string;
    mpesa_phone: string | null;
  };
  const lang: Lang = r.phone ? await languageOf(trx, r.phone) : 'en';
  return { ...r, lang, position: localName(lang, r.position, r.position_sw) };
}

export function createClaims(db: Db, opts: { now?: Clock; cipher: FieldCipher }) {
  const now = opts.now ?? systemClock;

  async function decideIn(
    trx: Knex.Transaction,
    id: number,
    decision: 'approve' | 'reject',
    actor: string,
    reason?: string,
  ): Promise<ClaimDecisionResult> {
    const target: ClaimStatus = decision === 'approve' ? 'approved' : 'rejected';
    const at = now();
    const [row] = (await trx('claims')
      .where({ id, status: PENDING })
      .update({ status: target, reason: reason ?? null, updated_at: at })
      .returning(['id', 'days', 'daily_rate_kes', 'amount_kes'])) as {
      id: number;
      days: number;
      daily_rate_kes: number;
      amount_kes: number;
    }[];
    if (!row) {
      const found = (await trx('claims').where({ id }).first('status')) as
        { status: ClaimStatus } | undefined;
      if (!found) return { id, result: 'notFound' };
      if (found.status === target) return { id, result: 'unchanged', status: found.status };
      return { id, result: 'notPending', status: found.status };
    }
    await recordDutyEvents(trx, [
      {
        kind: `claim.${target}`,
        subject: subjectOf('claim', id),
        actor,
        at,
        details: reason ? { reason } : {},
      },
    ]);
    await recordAdminAction(trx, {
      actor,
      action: `claim.${decision}`,
      target: `claim:${id}`,
      details: { from: PENDING, to: target, reason: reason ?? null },
    });
    const n = await smsNames(trx, id);
    if (n.phone) {
      await enqueueSms(trx, {
        to: n.phone,
        template: decision === 'approve' ? 'sms.claimApproved' : 'sms.claimRejected',
        lang: n.lang,
        params: {
          position: n.position,
          station: n.station,
          days: row.days,
          rate: kes(row.daily_rate_kes),
          amount: kes(row.amount_kes),
          ...(reason ? { reason } : {}),
        },
      });
    }
    return { id, result: target === 'approved' ? 'approved' : 'rejected' };
  }

  /** The payment file's rows against the claims: a refusal per line, or none. */
  async function paymentProblems(trx: Knex.Transaction): Promise<string[]> {
    const { rows } = await trx.raw<{
      rows: {
        line: number;
        claim_id: number;
        mpesa_ref: string;
        amount_kes: number;
        status: ClaimStatus | null;
        due: number | null;
        paid_ref: string | null;
        ref_claim: number | null;
      }[];
    }>(
      `select s.line, x.claim_id, x.mpesa_ref, x.amount_kes, c.status, c.amount_kes as due, c.mpesa_ref as paid_ref,
              (select o.id from claims o where o.mpesa_ref = x.mpesa_ref) as ref_claim
         from import_rows s
         cross join lateral jsonb_to_record(s.row) as x(claim_id bigint, mpesa_ref text, amount_kes int)
         left join claims c on c.id = x.claim_id
        order by s.line`,
    );
    const problems: string[] = [];
    for (const r of rows) {
      const at = `line ${r.line}: `;
      if (r.status === null) problems.push(`${at}claim ${r.claim_id} does not exist`);
      else if (r.status === PAID) problems.push(`${at}claim ${r.claim_id} is paid already (${r.paid_ref})`);
      else if (!isPayable(r.status))
        problems.push(`${at}claim ${r.claim_id} is ${r.status}: only an ${PAYABLE} claim is paid`);
      else if (r.due !== r.amount_kes)
        problems.push(`${at}amount_kes ${r.amount_kes} is not the amount of claim ${r.claim_id}, ${r.due}`);
      if (r.ref_claim !== null && r.status !== PAID)
        problems.push(`${at}mpesa_ref ${r.mpesa_ref} already paid claim ${r.ref_claim}`);
    }
    return problems;
  }

  return {
    /** Claims (filter: status) after `f.after`, by id, with the total; the finished duties' claims first worked out. */
    async list(f: ClaimFilter): Promise<Total & { claims: Record<string, unknown>[] }> {
      await settleClaims(db, now());
      const matching = () => {
        const q = db('claims as c');
        if (f.status) q.where('c.status', f.status);
        return q;
      };
      const ids = matching()
        .select('c.id')
        .where('c.id', '>', f.after ?? 0)
        .orderBy('c.id')
        .limit(f.limit);
      const [claims, total] = await Promise.all([
        claimsWithDuty(db).whereIn('c.id', ids).orderBy('c.id').select(ADMIN_COLUMNS) as Promise<
          Record<string, unknown>[]
        >,
        countUpTo(db, matching().select(db.raw('1'))),
      ]);
      return { ...total, claims };
    },

    approve(id: number, actor: string): Promise<ClaimDecisionResult> {
      return db.transaction((trx) => decideIn(trx, id, 'approve', actor));
    },

    async reject(id: number, reason: string, actor: string): Promise<ClaimDecisionResult> {
      if (reason.trim() === '' || reason.length > CLAIM_REASON_MAX) {
        return { id, result: 'invalidReason', max: CLAIM_REASON_MAX };
      }
      return db.transaction((trx) => decideIn(trx, id, 'reject', actor, reason));
    },

    /**
     * Pays approved claims from the operator's file (`claim_id,mpesa_ref,amount_kes`): every row must name
     * an approved claim, its exact amount and an unused reference, or nothing is paid. Each claim paid is
     * an event and an SMS (amount, the M-Pesa number it went to, the reference).
     */
    async pay(csv: string, actor: string): Promise<PaymentResult> {
      return db.transaction(async (trx) => {
        await lockImports(trx, PAYMENTS_LOCK);
        let paid: { id: number; mpesa_ref: string; amount_kes: number }[] = [];
        const kind: Kind<typeof paymentRow, null> = {
          noun: 'payment',
          schema: paymentRow,
          lockKey: PAYMENTS_LOCK,
          context: async () => null,
          keys: [
            {
              name: 'claim',
              needs: ['claim_id'],
              of: (v) => ({ key: String(Number(v.claim_id)), shown: `claim ${v.claim_id}` }),
            },
            {
              name: 'ref',
              needs: ['mpesa_ref'],
              of: (v) => ({ key: v.mpesa_ref ?? '', shown: `mpesa_ref ${v.mpesa_ref}` }),
            },
          ],
          write: async (t) => {
            const problems = await paymentProblems(t);
            if (problems.length) return problems;
            const at = now();
            paid = (
              await t.raw<{ rows: typeof paid }>(
                `update claims c set status = '${PAID}', mpesa_ref = x.mpesa_ref, updated_at = ?
                 from import_rows s cross join lateral jsonb_to_record(s.row) as x(claim_id bigint, mpesa_ref text, amount_kes int)
                where c.id = x.claim_id and c.status = '${PAYABLE}' and c.amount_kes = x.amount_kes
               returning c.id, c.mpesa_ref, c.amount_kes`,
                [at],
              )
            ).rows;
            return undefined;
          },
        };
        const result = await runImport(trx, kind, csv);
        if (result.errors.length) return result;
        const at = now();
        await recordDutyEvents(
          trx,
          paid.map((p) => ({
            kind: 'claim.paid' as const,
            subject: subjectOf('claim', p.id),
            actor,
            at,
            details: { mpesaRef: p.mpesa_ref, amountKes: p.amount_kes },
          })),
        );
        for (const p of paid) {
          const n = await smsNames(trx, p.id);
          if (!n.phone) continue;
          const mpesa = n.mpesa_phone
            ? revealProfileRow(opts.cipher, { mpesa_phone: n.mpesa_phone }).mpesa_phone
            : null;
          await enqueueSms(trx, {
            to: n.phone,
            template: 'sms.claimPaid',
            lang: n.lang,
            params: {
              amount: kes(p.amount_kes),
              position: n.position,
              station: n.station,
              mpesa: displayPhone(mpesa ?? n.phone),
              ref: p.mpesa_ref,
            },
          });
        }
        await recordAdminAction(trx, {
          actor,
          action: 'claim.pay',
          target: 'claims:payments',
          details: { claims: paid.map((p) => p.id), bytes: Buffer.byteLength(csv) },
        });
        return { ...result, paid: paid.length };
      });
    },

    /** Imports daily rates (`POST /admin/rates/import`), audited when it loads. */
    async importRates(csv: string, actor: string): Promise<ImportResult> {
      return db.transaction(async (trx) => {
        await lockImports(trx, RATES_LOCK);
        const r = await runImport(trx, rateKind, csv);
        if (r.errors.length === 0) {
          await recordDutyEvents(trx, [
            { kind: 'rate.import', subject: 'rates', actor, at: now(), details: { rows: r.inserted } },
          ]);
          await recordAdminAction(trx, {
            actor,
            action: 'rate.import',
            target: 'rates',
            details: { rows: r.inserted },
          });
        }
        return r;
      });
    },
  };
}

/**
 * The teacher's claims, most recent first (their finished duties' claims worked out first), named in
 * `lang`: for My payments and the PAY reply.
 */
export async function claimsOfAccount(
  db: Knex,
  accountId: number,
  at: Date,
  lang: Lang,
  opts: { limit: number; after?: number },
): Promise<{ claims: (ClaimView & { exam: string; position: string; station: string })[]; total: number }> {
  await settleClaims(db, at, accountId);
  const rows = (await claimsWithDuty(db)
    .where('ap.account_id', accountId)
    .modify((q) => {
      if (opts.after !== undefined) void q.where('c.id', '<', opts.after);
    })
    .orderBy('c.id', 'desc')
    .limit(opts.limit)
    .select(
      'c.id',
      'c.status',
      'c.days',
      'c.daily_rate_kes',
      'c.amount_kes',
      'c.reason',
      'c.mpesa_ref',
      'c.updated_at',
      'ap.exam',
      'p.name as position',
      'p.name_sw as position_sw',
      'd.name as station',
    )) as (ClaimRow & { exam: string; position: string; position_sw: string | null; station: string })[];
  const total = (await db('claims as c')
    .join('applications as ap', 'ap.id', 'c.application_id')
    .where('ap.account_id', accountId)
    .count({ n: '*' })
    .first()) as { n: number | string };
  return {
    claims: rows.map((r) => ({
      ...claimView(r),
      exam: r.exam,
      position: localName(lang, r.position, r.position_sw),
      station: r.station,
    })),
    total: Number(total.n),
  };
}

/** My payments: a page of the teacher's claims, most recent first, and where the next page starts. */
export async function paymentsPage(
  db: Knex,
  accountId: number,
  at: Date,
  page: { limit: number; after?: number; lang: Lang },
): Promise<PaymentPage> {
  const { claims } = await claimsOfAccount(db, accountId, at, page.lang, {
    limit: page.limit + 1,
    after: page.after,
  });
  const shown = claims.slice(0, page.limit);
  return { claims: shown, next: claims.length > page.limit ? shown.at(-1)?.id : undefined };
}

export type Claims = ReturnType<typeof createClaims>;
