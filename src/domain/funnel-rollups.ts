// The funnel kept as roll-ups (docs/analytics.md): counts per minute and per day (UTC) of sessions, and of
// journeys started, completed and stopped at a screen, updated in the transaction that records each
// session end. A report over any period sums whole days and whole minutes from here and reads only the
// sessions of the partial minutes at its two ends, so it costs the same for a day as for a season.
import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { talliesOf, type Tally } from './session-journeys';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
const GRAINS = [
  ['minute', MINUTE],
  ['day', DAY],
] as const;
type Grain = (typeof GRAINS)[number][0];

export type Count = Tally & { n: number };
/** A half-open interval of epoch milliseconds. */
export type Span = [number, number];

const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

/** One session's contribution to the roll-ups of both grains, `sign` 1 to add it and -1 to take it back. */
export function rollupDeltas(
  sign: 1 | -1,
  endedAt: Date,
  screens: string[],
  lastScreen: string | null,
): (Count & { grain: Grain; bucket: number })[] {
  const tallies = talliesOf(screens, lastScreen);
  return GRAINS.flatMap(([grain, unit]) =>
    tallies.map((t) => ({ ...t, grain, bucket: floorTo(endedAt.getTime(), unit), n: sign })),
  );
}

/**
 * Adds the deltas to the roll-ups in one statement. Deltas of the same row are summed first (a repeated
 * notification that changes nothing writes nothing), and rows are written in key order so that two
 * sessions ending together lock shared rows in the same order (no deadlock).
 */
export async function applyRollupDeltas(
  trx: Knex.Transaction,
  deltas: (Count & { grain: Grain; bucket: number })[],
) {
  const sums = new Map<string, { d: Count & { grain: Grain; bucket: number }; n: number }>();
  for (const d of deltas) {
    const key = [d.grain, String(d.bucket).padStart(15, '0'), d.metric, d.journey, d.screen].join('\u0000');
    const s = sums.get(key);
    if (s) s.n += d.n;
    else sums.set(key, { d, n: d.n });
  }
  const rows = [...sums].filter(([, s]) => s.n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (rows.length === 0) return;
  await trx.raw(
    `insert into ussd_funnel_counts (grain, bucket, metric, journey, screen, n)
     select * from unnest(?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::int[])
     on conflict (grain, bucket, metric, journey, screen)
     do update set n = ussd_funnel_counts.n + excluded.n`,
    [
      rows.map(([, s]) => s.d.grain),
      rows.map(([, s]) => new Date(s.d.bucket).toISOString()),
      rows.map(([, s]) => s.d.metric),
      rows.map(([, s]) => s.d.journey),
      rows.map(([, s]) => s.d.screen),
      rows.map(([, s]) => s.n),
    ],
  );
}

/**
 * How [from, to) splits: whole days and whole minutes answered from the roll-ups, and the partial
 * minutes at either end (`raw`), answered from the sessions themselves.
 */
export function splitPeriod(from: number, to: number): { day: Span[]; minute: Span[]; raw: Span[] } {
  const m0 = ceilTo(from, MINUTE);
  const m1 = floorTo(to, MINUTE);
  if (m0 >= m1) return { day: [], minute: [], raw: from < to ? [[from, to]] : [] };
  const raw: Span[] = [];
  if (from < m0) raw.push([from, m0]);
  if (m1 < to) raw.push([m1, to]);
  const d0 = ceilTo(m0, DAY);
  const d1 = floorTo(m1, DAY);
  if (d0 >= d1) return { day: [], minute: [[m0, m1]], raw };
  const minute: Span[] = [];
  if (m0 < d0) minute.push([m0, d0]);
  if (d1 < m1) minute.push([d1, m1]);
  return { day: [[d0, d1]], minute, raw };
}

/** The summed roll-ups of whole days and whole minutes (index-backed ranges of the primary key). */
export async function sumRollups(db: Db, spans: { day: Span[]; minute: Span[] }): Promise<Count[]> {
  const parts = [
    ...spans.day.map((s) => ['day', ...s] as const),
    ...spans.minute.map((s) => ['minute', ...s] as const),
  ];
  if (parts.length === 0) return [];
  const { rows } = await db.raw<{ rows: Count[] }>(
    `select metric, journey, screen, sum(n)::int as n
       from (${parts.map(() => 'select metric, journey, screen, n from ussd_funnel_counts where grain = ? and bucket >= ? and bucket < ?').join(' union all ')}) c
      group by metric, journey, screen`,
    parts.flatMap(([grain, a, b]) => [grain, new Date(a).toISOString(), new Date(b).toISOString()]),
  );
  return rows;
}

/**
 * Rebuilds every roll-up from the stored sessions: for the migration that introduced them and for data
 * written straight into `ussd_sessions` (the national seed). Runs in the caller's transaction.
 */
export async function rebuildFunnelRollups(trx: Knex.Transaction): Promise<{ sessions: number }> {
  await trx.raw('set local statement_timeout = 0');
  await trx('ussd_funnel_counts').del();
  // Sessions ending in the same minute with the same trail contribute alike: grouped in SQL, each group
  // is classified once.
  const groups = trx.raw(
    `select screens, last_screen, date_trunc('minute', ended_at) as minute, count(*)::int as n
       from ussd_sessions group by screens, last_screen, date_trunc('minute', ended_at)`,
  );
  const sums = new Map<string, number>();
  let sessions = 0;
  for await (const g of groups.stream() as AsyncIterable<{
    screens: string[];
    last_screen: string | null;
    minute: Date;
    n: number;
  }>) {
    sessions += g.n;
    for (const d of rollupDeltas(1, g.minute, g.screens, g.last_screen)) {
      const key = [d.grain, d.bucket, d.metric, d.journey, d.screen].join('\u0000');
      sums.set(key, (sums.get(key) ?? 0) + g.n);
    }
  }
  const rows = [...sums].map(([key, n]) => {
    const [grain, bucket, metric, journey, screen] = key.split('\u0000') as [
      string,
      string,
      string,
      string,
      string,
    ];
    return { grain, bucket: new Date(Number(bucket)).toISOString(), metric, journey, screen, n };
  });
  for (let i = 0; i < rows.length; i += 5000) await trx('ussd_funnel_counts').insert(rows.slice(i, i + 5000));
  return { sessions };
}
