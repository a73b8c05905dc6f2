// How long each kind of record is kept, and the purge that enforces it (docs/privacy.md). The service
// runs the purge every hour; one instance at a time (an advisory lock), each table in batches, so that a
// season's backlog never holds a long lock.
import type { Db } from '../../db/knex';
import { DUTY, UNDECIDED } from '../application-status';
import { OWED } from '../claim-status';
import { awaitingClaimSql } from '../claims';
import { FINISHED } from '../outbox';
import { ANSWERED } from '../query-status';

/** Constant statuses as an SQL list: `'sent', 'failed'`. */
const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

const DAY = 24 * 60 * 60 * 1000;
/** 7 years: what the council keeps for accountability (public recruitment and payment, its operators). */
const ACCOUNTABILITY_DAYS = 7 * 365;

/** One rule: rows of `table` older than `days` (by `at`) are deleted, or have `blank` set instead. */
type Rule = {
  what: string;
  table: string;
  at: string;
  days: number;
  /**
   * Only rows matching this (SQL), e.g. not a message still waiting to be sent. `$BEFORE` stands for the
   * rule's cut-off (now − days), for conditions on other timestamps than `at`.
   */
  where?: string;
  /** Set these columns instead of deleting the row (the row itself is still needed for a while). */
  blank?: Record<string, string>;
};

/** The retention schedule, in days. The one home of these numbers: docs/privacy.md quotes them. */
export const RETENTION: readonly Rule[] = [
  // Inbound SMS: the body is kept 30 days (support, abuse), the id 90 days (AT resends for 12 hours).
  { what: 'inbound SMS records', table: 'inbound_sms', at: 'received_at', days: 90 },
  {
    what: 'inbound SMS bodies',
    table: 'inbound_sms',
    at: 'received_at',
    days: 30,
    where: "text <> ''",
    blank: { text: "''" },
  },
  // Sent SMS: template and parameters (names, positions) 90 days, for delivery questions.
  {
    what: 'sent SMS',
    table: 'outbound_sms',
    at: 'created_at',
    days: 90,
    where: `status in (${sqlList(FINISHED)})`,
  },
  { what: 'delivery reports', table: 'sms_delivery_reports', at: 'received_at', days: 90 },
  // Per-session analytics (phone, screens): 90 days; the funnel keeps counts only (no phone), for good.
  { what: 'USSD session analytics', table: 'ussd_sessions', at: 'ended_at', days: 90 },
  // The reset history counts against the daily limit: a day is needed, 30 kept for support.
  { what: 'password reset history', table: 'password_resets', at: 'created_at', days: 30 },
  // The SMS confirming an erasure is the one row that still holds an erased account's phone: a week, for
  // delivery questions, once sent or given up.
  {
    what: 'erasure confirmation SMS',
    table: 'outbound_sms',
    at: 'created_at',
    days: 7,
    where: `template = 'sms.accountErased' and status in (${sqlList(FINISHED)})`,
  },
  // Operators' actions: the public body's accountability (the Public Finance and Data Protection Acts).
  { what: 'operator audit trail', table: 'admin_audit', at: 'at', days: ACCOUNTABILITY_DAYS },
  // A station's daily attendance code is used on its day; who asked for it is in the audit trail.
  { what: 'attendance codes', table: 'attendance_codes', at: 'created_at', days: 90 },
  // Recruitment, attendance and payment: kept 7 years after the last change to any part of the record,
  // then deleted with its events, attendance and claim (foreign keys on delete cascade). Never while it
  // may still change: a submitted application (waiting for a decision), a claim pending or approved (not
  // yet paid or rejected), days attended whose claim is still to be worked out.
  {
    what: 'applications, with their events, attendance and claims',
    table: 'applications',
    at: 'updated_at',
    days: ACCOUNTABILITY_DAYS,
    where: `status <> '${UNDECIDED}'
      and not exists (select 1 from application_events e
                       where e.application_id = applications.id and e.at >= $BEFORE)
      and not exists (select 1 from attendance t
                       where t.application_id = applications.id
                         and greatest(t.checked_in_at, t.checked_out_at) >= $BEFORE)
      and not exists (select 1 from claims c
                       where c.application_id = applications.id
                         and (c.status in (${sqlList(OWED)}) or c.updated_at >= $BEFORE))
      and (status <> '${DUTY}' or (
            not exists (select 1 from vacancies v
                         where v.id = applications.vacancy_id and v.duty_ends_on >= $BEFORE::date)
            and not (${awaitingClaimSql('applications')})))`,
  },
  // A query 7 years after its answer; one still open waits for it.
  {
    what: 'answered queries',
    table: 'queries',
    at: 'answered_at',
    days: ACCOUNTABILITY_DAYS,
    where: `status = '${ANSWERED}'`,
  },
  // The trail of attendance, claims and queries goes with them (by then 7 years old too); the trail of
  // attendance codes and rate imports after 7 years.
  {
    what: 'duty events',
    table: 'duty_events',
    at: 'at',
    days: ACCOUNTABILITY_DAYS,
    where: `case split_part(subject, ':', 1)
        when 'attendance' then not exists (select 1 from attendance t where t.id = split_part(subject, ':', 2)::bigint)
        when 'claim' then not exists (select 1 from claims c where c.id = split_part(subject, ':', 2)::bigint)
        when 'query' then not exists (select 1 from queries q where q.id = split_part(subject, ':', 2)::bigint)
        else true end`,
  },
  // An erased account keeps its id (and nothing else) while records point at it; once they are gone, so is it.
  {
    what: 'erased accounts with nothing kept',
    table: 'accounts',
    at: 'erased_at',
    days: ACCOUNTABILITY_DAYS,
    where: `not exists (select 1 from applications ap where ap.account_id = accounts.id)
      and not exists (select 1 from queries q where q.account_id = accounts.id)`,
  },
];

const BATCH = 5000;
/** pg_advisory_xact_lock key of the purge: one instance purges at a time. */
const PURGE_LOCK = 0x63703270; // "cp2p"

export type PurgeReport = Record<string, number>;

/**
 * Applies every rule as of `now`: deletes (or blanks) what is older than the rule allows, in batches.
 * Returns how many rows each rule touched; empty when another instance is purging.
 */
export async function purgeExpired(db: Db, now: Date): Promise<PurgeReport> {
  const report: PurgeReport = {};
  const got = await db.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: { locked: boolean }[] }>(
      'select pg_try_advisory_xact_lock(?) as locked',
      [PURGE_LOCK],
    );
    if (!rows[0]?.locked) return false;
    for (const rule of RETENTION) {
      const before = new Date(now.getTime() - rule.days * DAY);
      let total = 0;
      for (;;) {
        // Batches by ctid: no index needed beyond the rule's timestamp, and each statement stays short.
        const where = rule.where?.split('$BEFORE') ?? [];
        const target = `select ctid from ${rule.table} where ${rule.at} < ? ${where.length ? `and (${where.join('?')})` : ''} limit ${BATCH}`;
        const bindings = [before, ...where.slice(1).map(() => before)];
        const sql = rule.blank
          ? `update ${rule.table} set ${Object.entries(rule.blank)
              .map(([c, v]) => `${c} = ${v}`)
              .join(', ')} where ctid in (${target})`
          : `delete from ${rule.table} where ctid in (${target})`;
        const result = (await trx.raw(sql, bindings)) as { rowCount: number };
        total += result.rowCount;
        if (result.rowCount < BATCH) break;
      }
      report[rule.what] = total;
    }
    return true;
  });
  return got ? report : {};
}

export type RetentionSchedule = {
  /** Between two runs: an hour. */
  everyMs?: number;
  /** Before the first run: 30 s, so that a start (migrations, the first hops) is not slowed by a backlog. */
  firstAfterMs?: number;
  /** The clock the periods are counted from. */
  now?: () => Date;
};

/**
 * Runs the purge `firstAfterMs` after the start and then every `everyMs`, until stopped; a run still going
 * is not started twice; a failed run is logged and retried at the next. Says in the log that it is
 * scheduled, and what each run purged.
 */
export function scheduleRetention(
  db: Db,
  log: { info: (o: object, m: string) => void; error: (o: object, m: string) => void },
  { everyMs = 60 * 60 * 1000, firstAfterMs = 30_000, now = () => new Date() }: RetentionSchedule = {},
): { stop: () => Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= purgeExpired(db, now())
      .then((report) => {
        const touched = Object.values(report).reduce((a, b) => a + b, 0);
        if (touched > 0) log.info({ purged: report }, 'retention: expired records purged');
      })
      .catch((err: unknown) => log.error({ err }, 'retention: purge failed; retried at the next run'))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, firstAfterMs);
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  log.info({ everyMs, firstAfterMs }, 'retention: purge scheduled (docs/privacy.md)');
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
