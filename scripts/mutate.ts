// `npm run mutate [-- stryker options]`: StrykerJS over src/domain and src/engine (stryker.config.json),
// with one test template database for the whole run.
//
// Stryker starts a jest run for every mutant, and jest's global setup builds a migrated template with
// the reference and demo data each time (seconds). Here global setup runs once, before Stryker: it
// starts PostgreSQL/Redis when DATABASE_URL/REDIS_URL are not set and builds the template;
// CP2_TEMPLATE_PREBUILT=1 then tells every jest run of Stryker's to use that template, neither building
// nor dropping one. The template (and any server started) goes at the end, also when Stryker fails or the
// run is interrupted (Ctrl-C, SIGTERM).
//
// Options after `--` go to `stryker run`, e.g. `npm run mutate -- --mutate src/domain/gsm7.ts`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { dropTemplateClones, dropTemplateDatabase } from '../tests/support/template-database';

const ROOT = path.join(__dirname, '..');
const STRYKER = path.join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');

function runStryker(args: string[]): Promise<number> {
  const child = spawn(process.execPath, [STRYKER, 'run', ...args], { cwd: ROOT, stdio: 'inherit' });
  // Ctrl-C reaches Stryker too (same process group); a SIGTERM sent to this script alone is passed on.
  // Either way this script waits for Stryker to stop, then cleans up.
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  const onHup = forward('SIGHUP');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      console.error('could not start Stryker:', err.message);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  await globalSetup();
  console.log(
    `[mutate] template ${process.env.CP2_TEMPLATE_DB} built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  process.env.CP2_TEMPLATE_PREBUILT = '1';
  // Each mutant's result as soon as it is known (scripts/stryker-mutant-log.mjs): a run stopped early still
  // leaves what it tested, for `npm run mutate:score -- <log>`.
  process.env.CP2_MUTANT_LOG ??= path.join(
    ROOT,
    'reports',
    'mutation',
    `mutants-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
  );
  console.log(`[mutate] each mutant's result goes to ${process.env.CP2_MUTANT_LOG} as it is known`);
  // Tests that start our scripts as child processes skip that part (instrumented sources cannot load there).
  process.env.CP2_MUTATION_RUN = '1';
  try {
    return await runStryker(process.argv.slice(2));
  } finally {
    const url = process.env.DATABASE_URL as string;
    const template = process.env.CP2_TEMPLATE_DB as string;
    // The template first, so that no test run still stopping can clone it; then what killed runs left.
    await dropTemplateDatabase(url, template);
    const left = await dropTemplateClones(url, template);
    console.log(`[mutate] template ${template} dropped, and ${left} test database(s) that killed runs left`);
    // Stops what global setup started (an embedded PostgreSQL, a redis-server), if anything.
    delete process.env.CP2_TEMPLATE_PREBUILT;
    await globalTeardown();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('mutation run failed:', err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
