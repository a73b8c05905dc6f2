// The floor bench's summary table: each figure of issue 11 with the floor's beside it (where the floor
// has one), its target, and met or MISSED. Missing a target is reported, never a failure of the run.
import type { AuthWalkResult } from './auth-walk';
import type { LoadResult } from './floor-load';
import type { OpenResult } from './hop-load';
import type { MemoryRun, OpenRuns } from './load-parts';
import type { RelayRun } from './relay-bench';
import { fmt, printTable } from './util';

export const TARGETS = {
  /** Throughput of each closed-loop walk, against the floor's in the same run. */
  ratio: 0.6,
  openP99Ms: 20,
  overloadServedP99Ms: 100,
  rssMb: 200,
  /** "No growth" between half the soak and its end, allowing for the allocator's noise. */
  growthMb: 10,
  relayPerSecond: 500,
};

export type Figures = {
  connections: number;
  openRate: number;
  walk?: { service: LoadResult; floor: LoadResult };
  auth?: { result: AuthWalkResult; cpuMicros: number };
  open?: OpenRuns;
  overload?: { capacity: number; run?: OpenResult };
  memory?: MemoryRun;
  relay?: { before: RelayRun; now: RelayRun };
};

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const rate = (r: LoadResult) => r.hops / r.seconds;

export function printSummary(f: Figures): void {
  const rows: string[][] = [['figure', 'service', 'floor', 'target', '']];
  const { walk, auth, open, overload, memory, relay } = f;
  if (walk) {
    const ratio = rate(walk.service) / rate(walk.floor);
    rows.push([
      `walk, ${f.connections} connections: hops/s`,
      fmt(rate(walk.service), 0),
      fmt(rate(walk.floor), 0),
      `ratio ≥ ${TARGETS.ratio}`,
      `${mark(ratio >= TARGETS.ratio)} (${fmt(ratio, 2)})`,
    ]);
    rows.push([
      'walk: CPU per hop, µs',
      fmt(walk.service.cpuMicrosPerHop ?? NaN, 0),
      fmt(walk.floor.cpuMicrosPerHop ?? NaN, 0),
      '',
      '',
    ]);
  }
  if (auth) {
    const r = auth.result;
    const hopsPerSecond = r.hops / r.seconds;
    const floor = walk ? rate(walk.floor) : NaN;
    rows.push([
      `authenticated walk, ${r.connections} connections: hops/s`,
      fmt(hopsPerSecond, 0),
      fmt(floor, 0),
      `ratio ≥ ${TARGETS.ratio}`,
      walk
        ? `${mark(hopsPerSecond / floor >= TARGETS.ratio)} (${fmt(hopsPerSecond / floor, 2)})`
        : '(no floor run)',
    ]);
    rows.push([
      'authenticated walk: p50 / p99 ms, CPU µs/hop',
      `${fmt(r.p50)} / ${fmt(r.p99)}, ${fmt(auth.cpuMicros / Math.max(1, r.hops), 0)}`,
      '',
      '',
      '',
    ]);
  }
  if (open?.service) {
    const s = open.service.result;
    const fl = open.floor?.result;
    const failures = s.errors + s.non2xx + s.wrongScreens + s.busy;
    rows.push([
      `open loop ${f.openRate} hops/s: p99 ms (p50, max)`,
      `${fmt(s.p99)} (${fmt(s.p50)}, ${fmt(s.max)})`,
      fl ? `${fmt(fl.p99)} (${fmt(fl.p50)}, ${fmt(fl.max)})` : '-',
      `< ${TARGETS.openP99Ms}, no errors`,
      `${mark(s.p99 < TARGETS.openP99Ms && failures === 0)} (${failures} errors/busy)`,
    ]);
    rows.push([
      `open loop ${f.openRate} hops/s: CPU per hop, µs`,
      fmt(open.service.cpuMicros / Math.max(1, s.answered), 0),
      open.floor && fl ? fmt(open.floor.cpuMicros / Math.max(1, fl.answered), 0) : '-',
      '',
      '',
    ]);
  }
  if (overload?.run) {
    const r = overload.run;
    rows.push([
      `overload ${r.rate} hops/s (${fmt(r.rate / overload.capacity, 1)} × capacity): shed`,
      `${fmt((100 * r.busy) / Math.max(1, r.answered), 1)} %`,
      '',
      '',
      '',
    ]);
    rows.push([
      'overload: p99 of the hops served, ms',
      fmt(r.servedP99),
      '',
      `< ${TARGETS.overloadServedP99Ms}`,
      mark(r.servedP99 < TARGETS.overloadServedP99Ms),
    ]);
  }
  if (memory && memory.samples.length >= 3) {
    const [, mid, end] = memory.samples as [unknown, MemoryRun['samples'][0], MemoryRun['samples'][0]];
    rows.push([
      `memory: RSS after ${end.hops} hops, MB`,
      fmt(end.rssMb),
      '',
      `< ${TARGETS.rssMb}`,
      mark(end.rssMb < TARGETS.rssMb),
    ]);
    const growth = end.rssMb - mid.rssMb;
    rows.push([
      `memory: RSS growth ${mid.hops} → ${end.hops} hops, MB (heap)`,
      `${fmt(growth)} (${fmt(end.heapMb - mid.heapMb)})`,
      '',
      `≤ ${TARGETS.growthMb}`,
      mark(growth <= TARGETS.growthMb),
    ]);
  }
  if (relay) {
    rows.push([
      `outbox relay, ${relay.now.concurrency} in flight: SMS/s`,
      fmt(relay.now.perSecond, 0),
      `${fmt(relay.before.perSecond, 0)} one at a time`,
      `≥ ${TARGETS.relayPerSecond}`,
      mark(relay.now.perSecond >= TARGETS.relayPerSecond),
    ]);
  }
  console.log('');
  console.log('summary (issue 11 targets; missing one is reported, not failed)');
  printTable(rows, '  ');
}
