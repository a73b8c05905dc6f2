// Fills the configured database with a synthetic season: `npm run seed -- national [--scale 0.1]`
// (docs/performance.md). Test data only: teachers' phones are +254710000000 + i, every password is
// 246810. Refuses a database that holds accounts that are not seeded test data.
//
// Configuration as `npm start` reads it: DATABASE_URL when set, else the embedded PostgreSQL under
// DATA_DIR. Migrations and the shipped reference data are applied first, as at start.
import { readConfigOrExit } from '../src/config';
import { migrateLatest } from '../src/db/migrate';
import { loadReferenceData } from '../src/domain/reference-data';
import { openScriptDatabase } from './script-database';
import { SEED_PASSWORD, seedNational } from './seed/national';
import { openFieldCipher } from '../src/data-keys';
import { createLogger } from '../src/logger';

function usage(message: string): never {
  console.error(`${message}\nusage: npm run seed -- national [--scale <0.001 to 1>]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const [dataset, ...rest] = process.argv.slice(2);
  if (dataset !== 'national') usage(`unknown dataset ${dataset ?? '(none)'}`);
  let scale = 1;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--scale') {
      scale = Number(rest[i + 1]);
      i += 1;
      if (!(scale >= 0.001 && scale <= 1)) usage('--scale must be a number from 0.001 to 1');
    } else usage(`unknown argument ${rest[i]}`);
  }
  const config = readConfigOrExit('script');
  const { db, close } = await openScriptDatabase(config);
  const started = Date.now();
  try {
    await migrateLatest(db);
    await loadReferenceData(db);
    // Encrypted with the key the service on this configuration uses (DATA_KEY, or DATA_DIR/data-key).
    const cipher = openFieldCipher(config, createLogger('warn'));
    const report = await seedNational(db, { scale, cipher, log: (line) => console.log(`  ${line}`) });
    console.log(`seeded the national season in ${((Date.now() - started) / 1000).toFixed(0)} s:`);
    for (const [table, n] of Object.entries(report)) console.log(`  ${table}: ${n.toLocaleString('en')}`);
    console.log(`every seeded account's password is ${SEED_PASSWORD} (test data)`);
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  console.error('seed failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
