// Session analytics (docs/analytics.md): AT's end-of-session notifications, stored with the engine's
// screen ids, and the funnel report answered from the roll-ups kept as they arrive. No user input is ever
// stored here.
import type { Db } from '../db/knex';
import { applyRollupDeltas, rollupDeltas, splitPeriod, sumRollups, type Count } from './funnel-rollups';
import { JOURNEYS, talliesOf } from './session-journeys';

export { JOURNEYS, journeysOf } from './session-journeys';

export type SessionEnd = {
  sessionId: string;
  phone: string | null;
  status: string | null;
  hops: number | null;
  durationMs: number | null;
  lastScreen: string | null;
  screens: string[];
  errorMessage: string | null;
};

/** What the USSD channel records: AT's end-of-session notifications. */
export function createSessionEnds(db: Db) {
  return { record: (e: SessionEnd): Promise<void> => recordSessionEnd(db, e) };
}

export type SessionEnds = ReturnType<typeof createSessionEnds>;

type Stored = { screens: string[]; last_screen: string | null; ended_at: Date };

/**
 * Upserts the session's row (AT may repeat a notification: the latest one wins) and, in the same
 * transaction, moves the funnel roll-ups from what the row said before to what it says now, so a
 * repeated notification never counts twice.
 */
export async function recordSessionEnd(db: Db, e: SessionEnd): Promise<void> {
  const row = {
    session_id: e.sessionId,
    phone: e.phone,
    status: e.status,
    hops: e.hops,
    duration_ms: e.durationMs,
    last_screen: e.lastScreen,
    screens: JSON.stringify(e.screens),
    error_message: e.errorMessage,
    ended_at: db.fn.now(),
  };
  await db.transaction(async (trx) => {
    // Insert-or-nothing, then lock the existing row: a concurrent first notification of the same session
    // is waited for, and is then seen as the row before.
    const [inserted] = (await trx('ussd_sessions')
      .insert(row)
      .onConflict('session_id')
      .ignore()
      .returning('ended_at')) as { ended_at: Date }[];
    if (inserted) {
      await applyRollupDeltas(trx, rollupDeltas(1, inserted.ended_at, e.screens, e.lastScreen));
      return;
    }
    const before = (await trx('ussd_sessions')
      .where({ session_id: e.sessionId })
      .forUpdate()
      .first('screens', 'last_screen', 'ended_at')) as Stored;
    const [after] = (await trx('ussd_sessions')
      .where({ session_id: e.sessionId })
      .update(row)
      .returning('ended_at')) as { ended_at: Date }[];
    await applyRollupDeltas(trx, [
      ...rollupDeltas(-1, before.ended_at, before.screens, before.last_screen),
      ...rollupDeltas(1, (after as { ended_at: Date }).ended_at, e.screens, e.lastScreen),
    ]);
  });
}

export type JourneyFunnel = {
  journey: string;
  started: number;
  completed: number;
  /** Where the sessions that started and did not complete stopped: their last screen, most first. */
  stopped: { screen: string; count: number }[];
};

export type FunnelReport = { from: string; to: string; sessions: number; journeys: JourneyFunnel[] };

/**
 * The funnel of every journey over the sessions that ended in [from, to): whole days and minutes from
 * the roll-ups, the partial minutes at the ends from the sessions (at most two minutes of rows).
 */
export async function funnelReport(db: Db, from: Date, to: Date): Promise<FunnelReport> {
  const acc = new Map(
    JOURNEYS.map((j) => [j as string, { started: 0, completed: 0, stopped: new Map<string, number>() }]),
  );
  let sessions = 0;
  const add = ({ metric, journey, screen, n }: Count) => {
    if (metric === 'sessions') {
      sessions += n;
      return;
    }
    const a = acc.get(journey);
    if (!a) return;
    if (metric === 'started') a.started += n;
    else if (metric === 'completed') a.completed += n;
    else a.stopped.set(screen, (a.stopped.get(screen) ?? 0) + n);
  };

  const spans = splitPeriod(from.getTime(), to.getTime());
  for (const c of await sumRollups(db, spans)) add(c);
  for (const [a, b] of spans.raw) {
    const rows = (await db('ussd_sessions')
      .where('ended_at', '>=', new Date(a))
      .andWhere('ended_at', '<', new Date(b))
      .select('screens', 'last_screen')) as { screens: string[]; last_screen: string | null }[];
    for (const row of rows) for (const t of talliesOf(row.screens, row.last_screen)) add({ ...t, n: 1 });
  }

  return {
    from: from.toISOString(),
    to: to.toISOString(),
    sessions,
    journeys: [...acc].map(([journey, a]) => ({
      journey,
      started: a.started,
      completed: a.completed,
      stopped: [...a.stopped]
        .filter(([, count]) => count > 0)
        .map(([screen, count]) => ({ screen, count }))
        .sort((x, y) => y.count - x.count || x.screen.localeCompare(y.screen)),
    })),
  };
}
