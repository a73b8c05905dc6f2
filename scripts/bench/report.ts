// Prints a dataset's figures with the targets of issue 16 beside them, each marked met or MISSED.
import type { AdminResult, Probe } from './admin-probe';
import { HOP_ORDER, LOGIN_HOPS, type WalkResult } from './walker';
import { fmt, p50p99, printTable } from './util';

export type Stat = { p50: number; p99: number; n: number };

export type WalkSummary = Omit<WalkResult, 'hops' | 'phones'> & { hops: Record<string, Stat> };

export type DatasetResult = {
  dataset: string;
  at: string;
  note: string;
  /** The password check alone (verifyPassword, scrypt), in this process. */
  passwordCheck: Stat;
  one?: WalkSummary;
  many?: WalkSummary;
  admin?: AdminResult;
  /** The engine's outcome counts over the dataset's run (ussd_hops_total). */
  outcomes: Record<string, number>;
  /** Queries that gave up waiting for a pooled connection (knex's warnings) during the walks. */
  acquireTimeouts?: number;
};

export const TARGETS = {
  hopP99Ms: 50,
  hopVsDemo: 2,
  listPageMs: 100,
  funnelMs: 200,
  exportFirstByteMs: 200,
  exportRowsPerSecond: 50_000,
};

export function summarise(r: WalkResult): WalkSummary {
  const hops: Record<string, Stat> = {};
  for (const [name, ms] of Object.entries(r.hops)) hops[name] = p50p99(ms);
  const { phones: _phones, ...rest } = r;
  return { ...rest, hops };
}

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const ms = (s: Stat | undefined) => (s && s.n ? `${fmt(s.p50)} / ${fmt(s.p99)}` : '-');

/** Hop names in journey order, then any the walker met that the order does not list. */
function hopNames(...walks: Array<WalkSummary | undefined>): string[] {
  const seen = new Set(walks.flatMap((w) => Object.keys(w?.hops ?? {})));
  return [
    ...HOP_ORDER.filter((h) => seen.has(h)),
    ...[...seen].filter((h) => !(HOP_ORDER as readonly string[]).includes(h)),
  ];
}

/** Prints the tables; returns how many targets were missed. */
export function printDataset(r: DatasetResult, demo: DatasetResult | undefined): number {
  let missed = 0;
  const count = (ok: boolean) => {
    if (!ok) missed += 1;
    return mark(ok);
  };
  const one = r.one;
  const many = r.many;
  const isNational = r.dataset !== 'demo';
  console.log('');
  console.log(`== ${r.dataset}: ${r.note}`);
  if (one || many) {
    const baseline = isNational ? demo?.one : undefined;
    const header = [
      'USSD hop (p50 / p99 ms)',
      `${one?.walkers ?? 1} walker`,
      'n',
      `${many?.walkers ?? 50} walkers`,
      'n',
      ...(isNational ? ['demo, 1 walker'] : []),
      'target: p99 at 1 walker',
      '',
    ];
    const rows = [header];
    for (const hop of hopNames(one, many)) {
      const a = one?.hops[hop];
      const b = many?.hops[hop];
      const d = baseline?.hops[hop];
      let target = '';
      let verdict = '';
      if (LOGIN_HOPS.has(hop)) {
        target = 'apart (password check)';
      } else if (a && a.n) {
        const limit = d && d.n ? Math.min(TARGETS.hopP99Ms, TARGETS.hopVsDemo * d.p99) : TARGETS.hopP99Ms;
        target =
          d && d.n
            ? `<= ${fmt(limit)} (2x demo, < ${TARGETS.hopP99Ms})`
            : isNational && demo
              ? `< ${TARGETS.hopP99Ms} (no demo figure)`
              : `< ${TARGETS.hopP99Ms}`;
        verdict = count(a.p99 <= limit && a.p99 < TARGETS.hopP99Ms);
      }
      rows.push([
        hop,
        ms(a),
        String(a?.n ?? 0),
        ms(b),
        String(b?.n ?? 0),
        ...(isNational ? [ms(d)] : []),
        target,
        verdict,
      ]);
    }
    printTable(rows, '  ');
    console.log(
      `  password check alone (scrypt, in the service's process): p50 ${fmt(r.passwordCheck.p50)} ms, ` +
        `p99 ${fmt(r.passwordCheck.p99)} ms`,
    );
    if (isNational && !demo)
      console.log('  no demo figures to compare with: run `--dataset both` (or demo once)');
    for (const w of [one, many]) {
      if (!w) continue;
      const all = w.journeysCompleted === w.journeysStarted && w.apologies === 0;
      const line =
        `  ${w.walkers} walker${w.walkers === 1 ? '' : 's'}, ${fmt(w.seconds, 0)} s: ` +
        `${w.journeysCompleted} of ${w.journeysStarted} journeys completed, ${w.apologies} apologies, ` +
        `${w.busyOrExpired} busy/expired, ${w.unknownScreens} unknown screens, ${w.httpErrors} HTTP errors`;
      console.log(w === many ? `${line}; target: every journey, no apology: ${count(all)}` : line);
    }
    for (const s of [...(one?.samples ?? []), ...(many?.samples ?? [])].slice(0, 6)) console.log(`    ${s}`);
    console.log(
      `  engine outcomes: ${Object.entries(r.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; waits for a database connection that timed out: ${r.acquireTimeouts ?? '-'}`,
    );
  }
  if (r.admin) {
    const rows = [['operator API (ms)', 'p50', 'p99', 'n', 'target', '', 'detail']];
    const errors: string[] = [];
    for (const p of r.admin.probes) {
      errors.push(...p.errors.slice(0, 2).map((e) => `${p.name}: ${e}`));
      const s = p50p99(p.ms);
      const failed = p.errors.length > 0 || s.n === 0;
      if (p.rowsPerSecond) {
        rows.push([
          `${p.name}: first byte`,
          fmt(s.p50),
          fmt(s.p99),
          String(s.n),
          `< ${TARGETS.exportFirstByteMs}`,
          count(!failed && s.p99 < TARGETS.exportFirstByteMs),
          '',
        ]);
        rows.push(exportRate(p, failed, count));
        continue;
      }
      const limit = /funnel/.test(p.name) ? TARGETS.funnelMs : TARGETS.listPageMs;
      rows.push([
        p.name,
        fmt(s.p50),
        fmt(s.p99),
        String(s.n),
        `< ${limit}`,
        p.errors.length === 0 && s.n === 0 ? 'n/a' : count(!failed && s.p99 < limit),
        p.errors.length ? `${p.errors.length} errors; ${p.detail}` : p.detail,
      ]);
    }
    console.log('');
    printTable(rows, '  ');
    for (const e of errors) console.log(`    ${e}`);
  }
  return missed;
}

function exportRate(p: Probe, failed: boolean, count: (ok: boolean) => string): string[] {
  const rates = p50p99(p.rowsPerSecond ?? []);
  const rows = Math.max(0, ...(p.rows ?? []));
  const cut = (p.complete ?? []).some((c) => !c);
  const detail = `${rows.toLocaleString('en')} rows ${cut ? 'read before the cut' : '(whole export)'}`;
  // An export of a few hundred rows is over before a rate means anything.
  const measurable = cut || rows >= 20_000;
  return [
    `${p.name}: rows/s`,
    fmt(rates.p50, 0),
    // The slowest request, not a p99, for a rate.
    fmt(Math.min(...(p.rowsPerSecond ?? [NaN])), 0) + ' min',
    String(rates.n),
    `>= ${TARGETS.exportRowsPerSecond.toLocaleString('en')}`,
    measurable
      ? count(!failed && Math.min(...(p.rowsPerSecond ?? [0])) >= TARGETS.exportRowsPerSecond)
      : 'too small',
    detail,
  ];
}
