// Applies the pending Knex migrations and stops: `npm run migrate`.
//
// Configuration as `npm start` reads it (.env if present, then the environment): DATABASE_URL when set,
// else the embedded PostgreSQL under DATA_DIR (./.data by default). `npm start` also migrates at start;
// this is for doing it ahead of a deploy, or on its own.
import { readConfigOrExit } from '../src/config';
import { migrateLatest } from '../src/db/migrate';
import { migrations } from '../migrations';
import { openScriptDatabase } from './script-database';

async function main(): Promise<void> {
  const { db, close } = await openScriptDatabase(readConfigOrExit('script'));
  try {
    const applied = await migrateLatest(db);
    const known = Object.keys(migrations).length;
    if (applied.length === 0) {
      console.log(`nothing to apply: the schema is current (${known} migration(s) known)`);
    } else {
      console.log(`applied ${applied.length} of ${known} migration(s):`);
      for (const name of applied) console.log(`  ${name}`);
    }
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  console.error('migration failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
