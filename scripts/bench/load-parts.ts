// The floor bench's parts added by issue 11, each run from floor.ts on the services it built: the
// authenticated walk, the open-loop run at a fixed rate, the overload run, the memory soak and the outbox
// relay. Each prints its own lines; the summary table (summary.ts) puts the figures beside their targets.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runInChild } from './fork';
import type { AmountJob, AmountResult, OpenJob, OpenResult } from './hop-load';
import type { AuthWalkJob, AuthWalkResult } from './auth-walk';
import type { Job, LoadResult, Target } from './floor-load';
import { fmt, printTable } from './util';

/** CPU time (µs) this process spent while `fn` ran, and what `fn` returned. */
export async function withCpu<T>(
  fn: (mark: () => void) => Promise<T>,
): Promise<{ value: T; cpuMicros: number }> {
  // `mark` restarts the count (the measured window opens after a warm-up).
  let start = process.cpuUsage();
  const value = await fn(() => (start = process.cpuUsage()));
  const d = process.cpuUsage(start);
  return { value, cpuMicros: d.user + d.system };
}

export type Ctx = {
  runId: string;
  connections: number;
  seconds: number;
  warmup: number;
  /** The service with shedding off (capacity), the service as configured (shedding on), the floor. */
  capacityUrl: string;
  configuredUrl: string;
  floorUrl: string;
};

export async function runAuthWalk(
  ctx: Ctx,
  job: Pick<AuthWalkJob, 'phones' | 'password' | 'serviceCode' | 'route'>,
): Promise<{ result: AuthWalkResult; cpuMicros: number }> {
  process.stdout.write(`authenticated walk, ${ctx.connections} connections: warming up… `);
  const { value, cpuMicros } = await withCpu((mark) =>
    runInChild<AuthWalkResult>(
      {
        kind: 'auth-walk',
        job: {
          ...job,
          url: ctx.capacityUrl,
          connections: ctx.connections,
          warmupSeconds: ctx.warmup,
          seconds: ctx.seconds,
          sessionPrefix: `bench-${ctx.runId}-auth-`,
        } satisfies AuthWalkJob,
      },
      (e) => {
        if (e === 'measuring') mark();
        process.stdout.write(`${e} ${ctx.seconds} s… `);
      },
    ),
  );
  const r = value;
  console.log(`${r.hops} hops, ${r.walks} walks completed`);
  for (const s of r.samples) console.log(`  wrong screen: ${s}`);
  return { result: r, cpuMicros };
}

/** Open-loop runs by target, with the CPU this process spent in each measured window. */
export type OpenRuns = Partial<Record<Target, { result: OpenResult; cpuMicros: number }>>;

export async function runOpen(
  ctx: Ctx,
  rate: number,
  seconds: number,
  label: string,
  targets: Target[],
): Promise<OpenRuns> {
  const out: OpenRuns = {};
  for (const target of targets) {
    process.stdout.write(`${label}, ${target}: ${rate} hops/s, warming up 2 s… `);
    const url = target === 'service' ? `${ctx.configuredUrl}/ussd` : `${ctx.floorUrl}/floor`;
    const { value, cpuMicros } = await withCpu((mark) =>
      runInChild<OpenResult>(
        {
          kind: 'open',
          job: {
            target,
            url,
            rate,
            warmupSeconds: 2,
            seconds,
            sessionPrefix: `bench-${ctx.runId}-${label.replace(/\W+/g, '')}-${target}-`,
          } satisfies OpenJob,
        },
        (e) => {
          if (e === 'measuring') mark();
          process.stdout.write(`measuring ${seconds} s… `);
        },
      ),
    );
    console.log(`${value.answered} of ${value.sent} hops answered`);
    for (const s of value.wrongSamples) console.log(`  wrong screen: ${s}`);
    out[target] = { result: value, cpuMicros };
  }
  return out;
}

export function printOpen(title: string, runs: OpenRuns): void {
  console.log('');
  console.log(title);
  const rows = [
    [
      '',
      'offered/s',
      'answered',
      'busy',
      'p50 ms',
      'p99 ms',
      'max ms',
      'served p99',
      'errors',
      'CPU µs/hop',
      'send lag p99',
    ],
  ];
  for (const [target, run] of Object.entries(runs)) {
    if (!run) continue;
    const r = run.result;
    rows.push([
      target,
      String(r.rate),
      String(r.answered),
      String(r.busy),
      fmt(r.p50),
      fmt(r.p99),
      fmt(r.max),
      fmt(r.servedP99),
      String(r.errors + r.non2xx + r.wrongScreens),
      fmt(run.cpuMicros / Math.max(1, r.answered), 0),
      fmt(r.sendLagP99),
    ]);
  }
  printTable(rows, '  ');
}

/** A quick closed-loop measure of capacity (hops/s), for the overload run when the walk was not run. */
export async function probeCapacity(ctx: Ctx): Promise<number> {
  process.stdout.write('capacity probe (closed loop, 3 s)… ');
  const r = await runInChild<LoadResult>({
    kind: 'floor',
    job: {
      target: 'service',
      url: ctx.capacityUrl,
      path: '/ussd',
      connections: ctx.connections,
      warmupSeconds: 1,
      seconds: 3,
      sessionPrefix: `bench-${ctx.runId}-probe-`,
    } satisfies Job,
  });
  const rate = r.hops / r.seconds;
  console.log(`${fmt(rate, 0)} hops/s`);
  return rate;
}

export type MemoryRun = {
  hops: number;
  samples: { hops: number; rssMb: number; heapMb: number }[];
  failed: number;
};

/** Heap and RSS after a full garbage collection (forced through V8's flag, set at run time). */
function memory(): { rssMb: number; heapMb: number } {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 };
}

export async function runMemory(ctx: Ctx, hops: number): Promise<MemoryRun> {
  const half = Math.round(hops / 2);
  const samples = [{ hops: 0, ...memory() }];
  let failed = 0;
  for (const step of [half, hops - half]) {
    process.stdout.write(`memory: ${step} hops at 50 connections… `);
    const r = await runInChild<AmountResult>(
      {
        kind: 'amount',
        job: {
          target: 'service',
          url: `${ctx.capacityUrl}/ussd`,
          connections: 50,
          amount: step,
          sessionPrefix: `bench-${ctx.runId}-memory-${samples.length}-`,
        } satisfies AmountJob,
      },
      (e) => process.stdout.write(`${e}… `),
    );
    failed += r.failed;
    for (const s of r.wrongSamples) console.log(`  wrong screen: ${s}`);
    const last = samples[samples.length - 1]!.hops;
    samples.push({ hops: last + r.answered, ...memory() });
    console.log(`${fmt(r.answered / r.seconds, 0)} hops/s`);
  }
  console.log('');
  console.log('memory of the service process (after a full GC)');
  printTable(
    [['hops', 'RSS MB', 'heap MB'], ...samples.map((s) => [String(s.hops), fmt(s.rssMb), fmt(s.heapMb)])],
    '  ',
  );
  return { hops, samples, failed };
}
