// The bench (docs/performance.md):
//   npm run bench                                   the service's throughput against the floor (floor.ts)
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
import { runFloorBench } from './bench/floor';
import { Cleanups } from './bench/util';

const USAGE = `usage: npm run bench [-- options]
  (no --dataset)                 the service's throughput against the floor (BENCH_* variables)
  --dataset demo|national|both   apply journeys per hop at 1 and N walkers, and the operator API
  --floor                        with --dataset: run the floor bench too, first
  --walkers <n>                  concurrent walkers (default 50)
  --seconds <s>                  seconds of new journeys at N walkers (default 20; at 1 walker: half)
  --ramp <s>                     N walkers start one after the other over s seconds (default 2)
  --think <ms>                   at N walkers, pause before each hop but the dial (default 0: a closed
                                 loop; 1000 is closer to people on phones)
  --only ussd|admin              only the journeys or only the operator API
  --admin-repeats <n>            requests per operator API figure (default 5)
  --export-seconds <s>           read each export at most this long (default 3)
  --reseed                       rebuild the national template database cp2_bench_national
  --scale <0.001 to 1>           national season size (default 1; another template per scale)`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

type Parsed = { floor: boolean; datasets?: DatasetOptions };

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
    else if (a === '--only') {
      const v = argv[++i];
      if (v !== 'ussd' && v !== 'admin') usage('--only must be ussd or admin');
      o.only = v;
    } else usage(`unknown argument ${a}`);
  }
  if (seconds !== undefined) {
    o.manySeconds = seconds;
    o.oneSeconds = Math.max(1, Math.round(seconds / 2));
  }
  if (dataset === undefined) {
    if (o.reseed || o.only || seconds !== undefined) usage('these options need --dataset');
    return { floor: true };
  }
  const all: DatasetName[] = ['demo', 'national'];
  if (dataset === 'both') o.datasets = all;
  else if ((all as string[]).includes(dataset)) o.datasets = [dataset as DatasetName];
  else usage(`unknown dataset ${dataset}`);
  return { floor, datasets: o };
}

const cleanups = new Cleanups();

async function main(parsed: Parsed): Promise<number> {
  try {
    let code = 0;
    if (parsed.floor) code = Math.max(code, await runFloorBench(cleanups));
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
