// How long each kind of record is kept, and the purge that enforces it (docs/privacy.md). The service
// runs the purge every hour; one instance at a time (an advisory lock), each table in batches, so that a
// season's backlog never holds a long lock.
import type { Db } from '../../db/knex';

const DAY = 24 * 60 * 60 * 1000;

/** One rule: rows of `table` older than `days` (by `at`) are deleted, or have `blank` set instead. */
type Rule = {
  what: string;
  table: string;
  at: string;
  days: number;
  /** Only rows matching this (SQL), e.g. not a message still waiting to be sent. */
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
    where: "status in ('sent', 'failed')",
  },
  { what: 'delivery reports', table: 'sms_delivery_reports', at: 'received_at', days: 90 },
  // Per-session analytics (phone, screens): 90 days; the funnel keeps counts only (no phone), for good.
  { what: 'USSD session analytics', table: 'ussd_sessions', at: 'ended_at', days: 90 },
  // The reset history counts against the daily limit: a day is needed, 30 kept for support.
  { what: 'password reset history', table: 'password_resets', at: 'created_at', days: 30 },
  // Operators' actions: the public body's accountability (the Public Finance and Data Protection Acts).
  { what: 'operator audit trail', table: 'admin_audit', at: 'at', days: 7 * 365 },
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
        const target = `select ctid from ${rule.table} where ${rule.at} < ? ${rule.where ? `and ${rule.where}` : ''} limit ${BATCH}`;
        const sql = rule.blank
          ? `update ${rule.table} set ${Object.entries(rule.blank)
              .map(([c, v]) => `${c} = ${v}`)
              .join(', ')} where ctid in (${target})`
          : `delete from ${rule.table} where ctid in (${target})`;
        const result = (await trx.raw(sql, [before])) as { rowCount: number };
        total += result.rowCount;
        if (result.rowCount < BATCH) break;
      }
      report[rule.what] = total;
    }
    return true;
  });
  return got ? report : {};
}

/** Runs the purge now and then every `everyMs`, until stopped; a failed run is logged and retried next time. */
export function scheduleRetention(
  db: Db,
  log: { info: (o: object, m: string) => void; error: (o: object, m: string) => void },
  everyMs = 60 * 60 * 1000,
  now: () => Date = () => new Date(),
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
  const first = setTimeout(run, 30_000);
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
