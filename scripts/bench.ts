// The bench (docs/performance.md):
//   npm run bench                                   the service against the floor (floor.ts): the closed-loop
//                                                   walk, and issue 11's parts (load-parts.ts, summary.ts);
//                                                   --only walk,auth,open,overload,memory,relay picks some
//   npm run bench -- --dataset demo|national|both   per-hop latency of the apply journey at 1 and 50
//                                                   logged-in walkers, and the operator API, on each
//                                                   dataset with the targets of issue 16 (dataset-bench.ts)
// `--floor` runs the floor bench too when a dataset is given. The modules are under scripts/bench/.
//
// Environment: DATABASE_URL (a server where we may create databases; default
// postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default redis://127.0.0.1:6379); for the floor
// bench BENCH_SECONDS (10), BENCH_CONNECTIONS (100), BENCH_WARMUP_SECONDS (2), BENCH_CPU_PROFILE=<file>;
// BENCH_LOG_LEVEL (silent; `error` shows why hops failed, on stderr).
// Exits non-zero only when the service errored; a missed target is reported, not failed.
import { runDatasetBench, type DatasetOptions } from './bench/dataset-bench';
import type { DatasetName } from './bench/datasets';
import { killChild } from './bench/fork';
import { PARTS, runFloorBench, type FloorOptions, type Part } from './bench/floor';
import { Cleanups } from './bench/util';

const USAGE = `usage: npm run bench [-- options]
  (no --dataset)                 the service against the floor (BENCH_* variables): every part below
  --only <parts>                 without --dataset: some of ${PARTS.join(',')} (comma-separated)
                                   walk      the closed-loop walk against the floor (the original bench)
                                   auth      the authenticated walk (login, profile, apply … details)
                                   open      an open loop at a fixed rate, service and floor
                                   overload  an open loop at a multiple of the capacity, shedding on
                                   memory    RSS and heap after N hops, and at half of them
                                   relay     the outbox relay's SMS/s to a fake AT
  --open-rate <n>                hops/s of the open loop (default 1000)
  --open-seconds <s>             measured seconds of the open loop (default 30)
  --overload-factor <x>          the overload run's rate, times the capacity measured (default 2)
  --memory-hops <n>              hops of the memory part (default 100000)
  --relay-messages <n>           SMS the relay part sends (default 5000)
  --at-delay <ms>                the fake AT's time per request in the relay part (default 20)
  --dataset demo|national|both   apply journeys per hop at 1 and N walkers, and the operator API
  --floor                        with --dataset: run the floor bench too, first
  --walkers <n>                  concurrent walkers (default 50)
  --seconds <s>                  seconds of new journeys at N walkers (default 20; at 1 walker: half)
  --ramp <s>                     N walkers start one after the other over s seconds (default 2)
  --think <ms>                   at N walkers, pause before each hop but the dial (default 0: a closed
                                 loop; 1000 is closer to people on phones)
  --only ussd|admin              with --dataset: only the journeys or only the operator API
  --admin-repeats <n>            requests per operator API figure (default 5)
  --export-seconds <s>           read each export at most this long (default 3)
  --reseed                       rebuild the national template database cp2_bench_national
  --scale <0.001 to 1>           national season size (default 1; another template per scale)`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

type Parsed = { floor?: FloorOptions; datasets?: DatasetOptions };

function parseArgs(argv: string[]): Parsed {
  const o: DatasetOptions = {
    datasets: [],
    walkers: 50,
    oneSeconds: 10,
    manySeconds: 20,
    reseed: false,
    scale: 1,
    adminRepeats: 5,
    exportSeconds: 3,
    rampSeconds: 2,
    thinkMs: 0,
  };
  let floor = false;
  const f: FloorOptions = {
    parts: new Set(PARTS),
    openRate: 1000,
    openSeconds: 30,
    overloadFactor: 2,
    memoryHops: 100_000,
    relayMessages: 5000,
    atDelayMs: 20,
  };
  let only: string | undefined;
  let floorOptionGiven = false;
  let dataset: string | undefined;
  let seconds: number | undefined;
  const num = (i: number, min: number, max: number, int = true): number => {
    const n = Number(argv[i + 1]);
    if (!(n >= min && n <= max) || (int && !Number.isInteger(n))) {
      usage(`${argv[i]} must be a ${int ? 'whole ' : ''}number from ${min} to ${max}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') usage('');
    else if (a === '--floor') floor = true;
    else if (a === '--reseed') o.reseed = true;
    else if (a === '--dataset') dataset = argv[++i];
    else if (a === '--walkers') o.walkers = num(i++, 1, 1000);
    else if (a === '--seconds') seconds = num(i++, 1, 3600);
    else if (a === '--admin-repeats') o.adminRepeats = num(i++, 1, 100);
    else if (a === '--export-seconds') o.exportSeconds = num(i++, 1, 600);
    else if (a === '--scale') o.scale = num(i++, 0.001, 1, false);
    else if (a === '--ramp') o.rampSeconds = num(i++, 0, 600, false);
    else if (a === '--think') o.thinkMs = num(i++, 0, 60_000);
    else if (a === '--only') only = argv[++i];
    else if (a === '--open-rate') [f.openRate, floorOptionGiven] = [num(i++, 1, 100_000), true];
    else if (a === '--open-seconds') [f.openSeconds, floorOptionGiven] = [num(i++, 1, 3600), true];
    else if (a === '--overload-factor')
      [f.overloadFactor, floorOptionGiven] = [num(i++, 0.1, 100, false), true];
    else if (a === '--memory-hops') [f.memoryHops, floorOptionGiven] = [num(i++, 2, 10_000_000), true];
    else if (a === '--relay-messages') [f.relayMessages, floorOptionGiven] = [num(i++, 1, 1_000_000), true];
    else if (a === '--at-delay') [f.atDelayMs, floorOptionGiven] = [num(i++, 0, 10_000), true];
    else usage(`unknown argument ${a}`);
  }
  if (seconds !== undefined) {
    o.manySeconds = seconds;
    o.oneSeconds = Math.max(1, Math.round(seconds / 2));
  }
  if (dataset === undefined) {
    if (o.reseed || seconds !== undefined) usage('these options need --dataset');
    if (only !== undefined) {
      const parts = only.split(',');
      const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
      if (unknown.length || !parts.length)
        usage(`--only takes some of ${PARTS.join(',')} (not ${unknown.join(',')})`);
      f.parts = new Set(parts as Part[]);
    }
    return { floor: f };
  }
  if (floorOptionGiven)
    usage('--open-*, --overload-factor, --memory-hops, --relay-messages, --at-delay: not with --dataset');
  if (only !== undefined) {
    if (only !== 'ussd' && only !== 'admin') usage('--only must be ussd or admin with --dataset');
    o.only = only;
  }
  const all: DatasetName[] = ['demo', 'national'];
  if (dataset === 'both') o.datasets = all;
  else if ((all as string[]).includes(dataset)) o.datasets = [dataset as DatasetName];
  else usage(`unknown dataset ${dataset}`);
  return { floor: floor ? { ...f, parts: new Set<Part>(['walk']) } : undefined, datasets: o };
}

const cleanups = new Cleanups();

async function main(parsed: Parsed): Promise<number> {
  try {
    let code = 0;
    if (parsed.floor) code = Math.max(code, await runFloorBench(cleanups, parsed.floor));
    if (parsed.datasets) code = Math.max(code, await runDatasetBench(parsed.datasets, cleanups));
    return code;
  } finally {
    await cleanups.run();
  }
}

const parsed = parseArgs(process.argv.slice(2));
// Output piped into `head` that has closed must not kill the run before it cleans up.
process.stdout.on('error', () => undefined);
process.once('SIGINT', () => {
  console.error('\ninterrupted: dropping the bench databases and removing their Redis keys');
  killChild();
  void cleanups.run().finally(() => process.exit(130));
});
// A crash still drops the databases and removes the keys.
process.once('uncaughtException', (err) => {
  console.error('bench crashed:', err);
  killChild();
  void cleanups.run().finally(() => process.exit(2));
});
main(parsed).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('bench failed:', err instanceof Error ? err.message : err);
    process.exitCode = 2;
  },
);
