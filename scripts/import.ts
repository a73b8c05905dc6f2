// Replaces reference data with the operator's own list: `npm run import -- <kind> <file.csv>`.
//
//   npm run import -- counties data/counties.csv          (code,name; upsert by code)
//   npm run import -- sub-counties council-list.csv       (county_code,name; the table becomes the file)
//   npm run import -- vacancies vacancies.csv             (and exams, activities, positions, duty-stations,
//                                                          deployments: docs/vacancies.md)
//   npm run import -- rates rates.csv                     (exam,activity,position,daily_rate_kes: docs/duties.md)
//
// Configuration as `npm start` reads it (.env if present, then the environment): DATABASE_URL when set,
// else the embedded PostgreSQL under DATA_DIR. Migrations and the shipped reference data are applied
// first, as at start. The file is streamed: every row is validated as it is read and nothing is written
// unless all are good; with any bad row the errors are printed as `line N: message` (the first 1,000,
// then how many more), nothing is loaded, and the exit code is 1. Usage errors exit with 2.
// docs/reference-data.md describes the files.
import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { readConfigOrExit } from '../src/config';
import type { Db } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import type { ImportResult } from '../src/domain/csv-import';
import {
  describeReferenceData,
  importCounties,
  importSubCounties,
  loadReferenceData,
} from '../src/domain/reference-data';
import { importVacancies } from '../src/domain/vacancies';
import { importRates } from '../src/domain/claims';
import {
  importActivities,
  importDeployments,
  importDutyStations,
  importExams,
  importPositions,
} from '../src/domain/vacancy-import';
import { openScriptDatabase } from './script-database';
import { openFieldCipher } from '../src/data-keys';
import type { FieldCipher } from '../src/domain/personal-data/field-cipher';
import { createLogger } from '../src/logger';

/** What can be imported: one entry per kind (docs/reference-data.md, docs/vacancies.md). */
const kinds: Record<
  string,
  {
    header: string;
    what: string;
    run: (
      db: Db,
      csv: Readable,
      opts: { onProgress: (done: number, total?: number) => void },
      /** The data key's cipher: national IDs are stored encrypted (deployments). */
      cipher: FieldCipher,
    ) => Promise<ImportResult>;
  }
> = {
  counties: { header: 'code,name', what: 'counties (upserted by code)', run: importCounties },
  'sub-counties': {
    header: 'county_code,name',
    what: 'sub-counties (the table becomes the file)',
    run: importSubCounties,
  },
  exams: { header: 'code,name[,name_sw]', what: 'exams (upserted by code)', run: importExams },
  activities: { header: 'code,name[,name_sw]', what: 'activities (upserted by code)', run: importActivities },
  positions: { header: 'code,name[,name_sw]', what: 'positions (upserted by code)', run: importPositions },
  'duty-stations': {
    header: 'code,name,type,county_code,sub_county',
    what: 'duty stations (upserted by code; sub-county by name within the county)',
    run: importDutyStations,
  },
  vacancies: {
    header:
      'code,exam,activity,duty_station,position,positions,opens_at,closes_at,status[,duty_starts_on,duty_ends_on]',
    what: 'vacancies (upserted by code)',
    run: importVacancies,
  },
  rates: {
    header: 'exam,activity,position,daily_rate_kes',
    what: 'daily rates (upserted by exam, activity and position; docs/duties.md)',
    run: importRates,
  },
  deployments: {
    header: 'national_id,duty_station,year',
    what: 'deployment history (added; a row already there is kept)',
    run: (db, csv, opts, cipher) => importDeployments(cipher)(db, csv, opts),
  },
};

function usage(message: string): never {
  console.error(message);
  console.error('usage: npm run import -- <kind> <file.csv>');
  for (const [name, k] of Object.entries(kinds)) console.error(`  ${name.padEnd(14)} ${k.header}: ${k.what}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const [kindName, file, ...extra] = process.argv.slice(2);
  if (!kindName || !file || extra.length) usage('expected a kind and a file');
  const kind = kinds[kindName];
  if (!kind) usage(`unknown kind "${kindName}"`);
  try {
    await access(file, constants.R_OK);
  } catch (err) {
    usage(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }

  const config = readConfigOrExit('script');
  const { db, close } = await openScriptDatabase(config);
  try {
    const applied = await migrateLatest(db);
    if (applied.length) console.log(`applied ${applied.length} migration(s)`);
    console.log(describeReferenceData(await loadReferenceData(db)));
    console.log(`importing ${kindName} from ${file}`);
    const cipher = openFieldCipher(config, createLogger('warn'));
    const result = await kind.run(
      db,
      createReadStream(file, 'utf8'),
      { onProgress: (done, total) => console.log(`  validated ${done}${total ? ` of ${total}` : ''} rows`) },
      cipher,
    );
    if (result.errors.length) {
      for (const e of result.errors) console.error(e);
      const count = result.errors.length + (result.moreErrors ?? 0);
      if (result.moreErrors) console.error(`… and ${result.moreErrors} more error(s), not listed`);
      console.error(`${count} error(s) in ${file}: nothing was loaded`);
      process.exitCode = 1;
    } else {
      console.log(`loaded ${result.inserted} ${kindName} from ${file}`);
    }
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  console.error('import failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
