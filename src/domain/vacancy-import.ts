// Imports of the vacancy lists (`npm run import -- <kind> <file.csv>`): exams, activities, positions, duty
// stations, vacancies and deployment history. As for the reference places (reference-data.ts), every row
// is validated first and any error is reported as `line N: message` with nothing loaded; a good file is
// upserted by code in one transaction, so the same file imported twice changes nothing. `loadDemoData`
// fills an empty database with the demo set in data/demo (docs/vacancies.md).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { formatLineErrors, streamCsv, type CsvSource, type CsvValues, type LineError } from '../db/csv';
import type { Db } from '../db/knex';
import { MAX_LISTED_ERRORS, nameProblem, type ImportResult } from './reference-data';
import { resolveDemoTime } from './demo-dates';
import { formatEatDate } from './time';
import { NATIONAL_ID_INDEX } from './personal-data/at-rest';
import type { FieldCipher } from './personal-data/field-cipher';

export class DemoDataError extends Error {}

/** Serialises vacancy imports and the demo load between instances (pg_advisory_xact_lock key). */
const LOCK_KEY = 2026112906;
const PROGRESS_EVERY = 1000;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,23}$/;
const STATUSES = ['open', 'closed'];
export const MAX_POSITIONS = 100_000;

const lock = (trx: Knex.Transaction) => trx.raw('select pg_advisory_xact_lock(?)', [LOCK_KEY]);

type Checked<R> = { row?: R; errors: string[] };

/** How one kind of file is read, checked and written. */
type Kind<K extends string, R, C, O extends string = never> = {
  columns: readonly K[];
  /** Columns a file may leave out (absent from `check`'s values when it does). */
  optional?: readonly O[];
  /** `exam`, `duty station`…: for "the file has no exam". */
  noun: string;
  context: (trx: Knex.Transaction) => Promise<C>;
  check: (values: CsvValues<K, O>, ctx: C) => Checked<R>;
  /** Two rows with the same key are an error (`… is also on line N`). */
  key: (row: R) => string;
  /** Writes the checked rows from the staging table (`import_rows`: line, key, row as jsonb). */
  write: (trx: Knex.Transaction) => Promise<void>;
};

const BATCH = 5000;

/** Progress while the file is read: rows validated so far (how many the file has is not known yet). */
export type StreamImportOptions = { onProgress?: (validated: number) => void };

/** Checked rows go to a staging table, in batches, as the file is read (dropped when the import ends). */
async function stage(trx: Knex.Transaction, batch: { line: number; key: string; row: unknown }[]) {
  if (batch.length === 0) return;
  await trx.raw(
    `insert into import_rows (line, key, row)
     select line, key, row from jsonb_to_recordset(?::jsonb) as x(line int, key text, row jsonb)`,
    [JSON.stringify(batch)],
  );
}

/** Rows whose key an earlier line has: `… is also on line N`, the first `limit` of them and how many. */
async function duplicates(trx: Knex.Transaction, noun: string, limit: number) {
  const { rows } = await trx.raw<{ rows: { line: number; key: string; first: number; total: number }[] }>(
    `with dup as (select key, min(line) as first from import_rows group by key having count(*) > 1),
          later as (select r.line, r.key, dup.first from import_rows r join dup using (key) where r.line > dup.first)
     select line, key, first, (select count(*) from later)::int as total from later order by line limit ?`,
    [limit],
  );
  return {
    errors: rows.map((r) => ({ line: r.line, message: `${noun} ${r.key} is also on line ${r.first}` })),
    total: rows[0]?.total ?? 0,
  };
}

/** Merges two lists in line order (each already in line order), a row's own errors first. */
function mergeByLine(a: LineError[], b: LineError[]): LineError[] {
  const out: LineError[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x.line <= y.line)) {
      out.push(x);
      i += 1;
    } else if (y) {
      out.push(y);
      j += 1;
    }
  }
  return out;
}

/**
 * Reads the file row by row, checks each row as it comes and stages the good ones in batches; only when
 * the whole file is free of errors are the staged rows written, in the caller's transaction. Memory stays
 * flat whatever the file's size: duplicates are found by the database, and only the first
 * MAX_LISTED_ERRORS errors are kept (the others counted).
 */
async function runKind<K extends string, R, C, O extends string = never>(
  trx: Knex.Transaction,
  kind: Kind<K, R, C, O>,
  csv: CsvSource,
  opts: StreamImportOptions,
): Promise<ImportResult> {
  // Set local: the transaction's own, for a file of any size (the pool's default is a USSD hop's).
  await trx.raw("set local statement_timeout = '15min'");
  await trx.raw("set local work_mem = '64MB'");
  await trx.raw('create temp table if not exists import_rows (line int, key text, row jsonb) on commit drop');
  await trx.raw('truncate import_rows');
  let ctx: C | undefined;
  const errors: LineError[] = [];
  let errorCount = 0;
  const fail = (e: LineError) => {
    errorCount += 1;
    if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
  };
  let rows = 0;
  let batch: { line: number; key: string; row: R | null }[] = [];
  for await (const item of streamCsv(csv, kind.columns, kind.optional ?? [])) {
    if ('error' in item) {
      fail({ line: item.line, message: item.error });
      continue;
    }
    ctx ??= await kind.context(trx);
    rows += 1;
    const { row, errors: problems } = kind.check(item.values, ctx);
    for (const message of problems) fail({ line: item.line, message });
    // A row with problems still takes its key (a later row with the same key is reported too).
    if (row) batch.push({ line: item.line, key: kind.key(row), row: problems.length ? null : row });
    if (batch.length === BATCH) {
      await stage(trx, batch);
      batch = [];
    }
    if (rows % PROGRESS_EVERY === 0) opts.onProgress?.(rows);
  }
  await stage(trx, batch);
  if (rows === 0) {
    const listed = errorCount ? formatLineErrors(errors) : [`line 2: the file has no ${kind.noun}`];
    return { inserted: 0, errors: listed, ...more(errorCount, listed.length) };
  }
  const dup = await duplicates(trx, kind.noun, MAX_LISTED_ERRORS);
  errorCount += dup.total;
  if (errorCount) {
    const listed = mergeByLine(errors, dup.errors)
      .slice(0, MAX_LISTED_ERRORS)
      .map((e) => `line ${e.line}: ${e.message}`);
    return { inserted: 0, errors: listed, ...more(errorCount, listed.length) };
  }
  await kind.write(trx);
  return { inserted: rows, errors: [] };
}

const more = (count: number, listed: number) => (count > listed ? { moreErrors: count - listed } : {});

function run<K extends string, R, C, O extends string = never>(kind: Kind<K, R, C, O>) {
  return (db: Db, csv: CsvSource, opts: StreamImportOptions = {}): Promise<ImportResult> =>
    db.transaction(async (trx) => {
      await lock(trx);
      return runKind(trx, kind, csv, opts);
    });
}

function codeProblem(what: string, code: string): string | undefined {
  if (code === '') return `${what} code is empty`;
  if (!CODE.test(code)) {
    return `${what} code "${code}" must be 1 to 24 letters, digits, _ . or - (starting with a letter or digit)`;
  }
  return undefined;
}

async function codes(trx: Knex.Transaction, table: string): Promise<Set<string>> {
  return new Set(((await trx(table).select('code')) as { code: string }[]).map((r) => r.code));
}

/** Upserts the staged rows by code through one statement (`columns` as `name type`, the first being `code`). */
async function upsert(
  trx: Knex.Transaction,
  table: string,
  columns: string[],
  select?: { from: string; columns: string },
) {
  const names = columns.map((c) => c.split(' ')[0] as string);
  const target = select ? select.columns : names.join(', ');
  const updates = (select ? target.split(', ') : names)
    .filter((c) => c !== 'code')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  await trx.raw(
    `insert into ${table} (${target})
     select ${select ? select.from : names.join(', ')}
       from import_rows s cross join lateral jsonb_to_record(s.row) as x(${columns.join(', ')})
       ${select ? 'join duty_stations d on d.code = x.duty_station' : ''}
     on conflict (code) do update set ${updates}`,
  );
}

/** `name_sw` absent: the file has no such column (a row keeps its Kiswahili name); '' : it has none. */
type Named = { code: string; name: string; name_sw?: string };

/**
 * exams, activities, positions: `code,name`, and optionally `name_sw` (the Kiswahili name, checked as
 * `name` is; empty for none, when Kiswahili users see `name`), upserted by code. A file without the
 * `name_sw` column leaves the Kiswahili names already stored as they are.
 */
function namedList(table: string, noun: string): Kind<'code' | 'name', Named, null, 'name_sw'> {
  return {
    columns: ['code', 'name'],
    optional: ['name_sw'],
    noun,
    context: async () => null,
    check: ({ code, name, name_sw }) => {
      const errors = [
        codeProblem(noun, code),
        nameProblem(name),
        name_sw ? nameProblem(name_sw, 'name_sw') : undefined,
      ].filter((e): e is string => !!e);
      const row = codeProblem(noun, code)
        ? undefined
        : { code, name, ...(name_sw === undefined ? {} : { name_sw }) };
      return { row, errors };
    },
    key: (r) => r.code,
    write: async (trx) => {
      await trx.raw(
        `insert into ${table} (code, name, name_sw)
         select x.code, x.name, nullif(x.name_sw, '')
           from import_rows s cross join lateral jsonb_to_record(s.row) as x(code text, name text, name_sw text)
         on conflict (code) do update set name = excluded.name`,
      );
      // The Kiswahili names the file carries (none when it has no name_sw column).
      await trx.raw(
        `update ${table} t set name_sw = nullif(x.name_sw, '')
           from import_rows s cross join lateral jsonb_to_record(s.row) as x(code text, name_sw text)
          where t.code = x.code and s.row -> 'name_sw' is not null`,
      );
    },
  };
}

export const importExams = run(namedList('exams', 'exam'));
export const importActivities = run(namedList('activities', 'activity'));
export const importPositions = run(namedList('positions', 'position'));

type Station = { code: string; name: string; type: string; county_code: string; sub_county_id: number };
type StationCtx = { types: Set<string>; counties: Set<string>; subCounties: Map<string, number> };

const dutyStations: Kind<'code' | 'name' | 'type' | 'county_code' | 'sub_county', Station, StationCtx> = {
  columns: ['code', 'name', 'type', 'county_code', 'sub_county'],
  noun: 'duty station',
  context: async (trx) => {
    const subs = (await trx('sub_counties').select('id', 'county_code', 'name')) as {
      id: number;
      county_code: string;
      name: string;
    }[];
    return {
      types: await codes(trx, 'station_types'),
      counties: await codes(trx, 'counties'),
      subCounties: new Map(subs.map((s) => [`${s.county_code}|${s.name.toLowerCase()}`, s.id])),
    };
  },
  check: (v, ctx) => {
    const errors: string[] = [];
    const codeError = codeProblem('duty station', v.code);
    if (codeError) errors.push(codeError);
    const nameError = nameProblem(v.name);
    if (nameError) errors.push(nameError);
    if (!ctx.types.has(v.type))
      errors.push(`type "${v.type}" must be one of ${[...ctx.types].sort().join(', ')}`);
    let subCountyId: number | undefined;
    if (!ctx.counties.has(v.county_code)) errors.push(`unknown county code "${v.county_code}"`);
    else {
      subCountyId = ctx.subCounties.get(`${v.county_code}|${v.sub_county.toLowerCase()}`);
      if (subCountyId === undefined) {
        errors.push(`sub-county "${v.sub_county}" is not in county ${v.county_code}`);
      }
    }
    const row =
      codeError === undefined
        ? {
            code: v.code,
            name: v.name,
            type: v.type,
            county_code: v.county_code,
            sub_county_id: subCountyId ?? 0,
          }
        : undefined;
    return { row, errors };
  },
  key: (r) => r.code,
  write: (trx) =>
    upsert(trx, 'duty_stations', [
      'code text',
      'name text',
      'type text',
      'county_code char(3)',
      'sub_county_id int',
    ]),
};
export const importDutyStations = run(dutyStations);

const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** `2026-12-01 08:00` (Nairobi time), or ISO 8601 with `Z` or an offset. */
export function parseTime(text: string): Date | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '00', zone] = m as unknown as string[];
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return undefined;
  const offset = !zone
    ? '+03:00'
    : zone === 'Z'
      ? 'Z'
      : zone.includes(':')
        ? zone
        : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

type Vacancy = {
  code: string;
  exam: string;
  activity: string;
  duty_station: string;
  position: string;
  positions: number;
  opens_at: Date;
  closes_at: Date;
  status: string;
};
type VacancyCtx = {
  exams: Set<string>;
  activities: Set<string>;
  positions: Set<string>;
  stations: Set<string>;
  /** Vacancies that have applications: their exam and activity are copied into them and cannot change. */
  applied: Map<string, { exam: string; activity: string }>;
};
type VacancyColumn =
  | 'code'
  | 'exam'
  | 'activity'
  | 'duty_station'
  | 'position'
  | 'positions'
  | 'opens_at'
  | 'closes_at'
  | 'status';

const vacancies: Kind<VacancyColumn, Vacancy, VacancyCtx> = {
  columns: [
    'code',
    'exam',
    'activity',
    'duty_station',
    'position',
    'positions',
    'opens_at',
    'closes_at',
    'status',
  ],
  noun: 'vacancy',
  context: async (trx) => {
    const applied = (await trx('vacancies as v')
      .whereExists(trx('applications as a').whereRaw('a.vacancy_id = v.id'))
      .select('v.code', 'v.exam', 'v.activity')) as { code: string; exam: string; activity: string }[];
    return {
      exams: await codes(trx, 'exams'),
      activities: await codes(trx, 'activities'),
      positions: await codes(trx, 'positions'),
      stations: await codes(trx, 'duty_stations'),
      applied: new Map(applied.map((a) => [a.code, a])),
    };
  },
  check: (v, ctx) => {
    const errors: string[] = [];
    const codeError = codeProblem('vacancy', v.code);
    if (codeError) errors.push(codeError);
    const known: [string, Set<string>, string][] = [
      ['exam', ctx.exams, v.exam],
      ['activity', ctx.activities, v.activity],
      ['duty station', ctx.stations, v.duty_station],
      ['position', ctx.positions, v.position],
    ];
    for (const [what, set, value] of known) if (!set.has(value)) errors.push(`unknown ${what} "${value}"`);
    const positions = Number(v.positions);
    if (!/^\d+$/.test(v.positions) || positions < 1 || positions > MAX_POSITIONS) {
      errors.push(`positions "${v.positions}" must be a whole number from 1 to ${MAX_POSITIONS}`);
    }
    const opens = parseTime(v.opens_at);
    const closes = parseTime(v.closes_at);
    const timeHint = 'write it as 2026-12-01 08:00 (Nairobi time) or 2026-12-01T05:00Z';
    if (!opens) errors.push(`opens_at "${v.opens_at}" is not a date and time: ${timeHint}`);
    if (!closes) errors.push(`closes_at "${v.closes_at}" is not a date and time: ${timeHint}`);
    if (opens && closes && closes <= opens) errors.push('closes_at must be after opens_at');
    if (!STATUSES.includes(v.status)) errors.push(`status "${v.status}" must be open or closed`);
    const before = ctx.applied.get(v.code);
    if (before && (before.exam !== v.exam || before.activity !== v.activity)) {
      errors.push(
        `vacancy ${v.code} has applications: its exam and activity must stay ${before.exam} and ${before.activity}`,
      );
    }
    const row =
      codeError || !opens || !closes ? undefined : { ...v, positions, opens_at: opens, closes_at: closes };
    return { row, errors };
  },
  key: (r) => r.code,
  write: (trx) =>
    upsert(
      trx,
      'vacancies',
      [
        'code text',
        'exam text',
        'activity text',
        'duty_station text',
        'position text',
        'positions int',
        'opens_at timestamptz',
        'closes_at timestamptz',
        'status text',
      ],
      {
        columns: 'code, exam, activity, duty_station_id, position, positions, opens_at, closes_at, status',
        from: 'x.code, x.exam, x.activity, d.id, x.position, x.positions, x.opens_at, x.closes_at, x.status',
      },
    ),
};
export const importVacancies = run(vacancies);

/** A deployment as staged: the national ID encrypted, its keyed hash, and (for messages only) as typed. */
type Deployment = {
  national_id: string;
  national_id_hash: string;
  shown: string;
  duty_station: string;
  year: number;
};

function deployments(
  cipher: FieldCipher,
): Kind<'national_id' | 'duty_station' | 'year', Deployment, Set<string>> {
  return {
    columns: ['national_id', 'duty_station', 'year'],
    noun: 'deployment',
    context: (trx) => codes(trx, 'duty_stations'),
    check: (v, stations) => {
      const errors: string[] = [];
      if (!/^\d{7,8}$/.test(v.national_id))
        errors.push(`national ID "${v.national_id}" must be 7 or 8 digits`);
      if (!stations.has(v.duty_station)) errors.push(`unknown duty station "${v.duty_station}"`);
      const current = Number(formatEatDate(new Date()).slice(6));
      const year = Number(v.year);
      if (!/^\d{4}$/.test(v.year) || year < 1990 || year > current) {
        errors.push(`year "${v.year}" must be from 1990 to ${current}`);
      }
      // Stored like a profile's national ID: encrypted, with the keyed hash a lookup matches on.
      const row = {
        national_id: cipher.encrypt(v.national_id),
        national_id_hash: cipher.index(NATIONAL_ID_INDEX, v.national_id),
        shown: v.national_id,
        duty_station: v.duty_station,
        year,
      };
      return { row: errors.length ? undefined : row, errors };
    },
    key: (r) => `${r.shown} at ${r.duty_station} in ${r.year}`,
    write: async (trx) => {
      await trx.raw(
        `insert into deployments (national_id, national_id_hash, duty_station, year)
         select x.national_id, x.national_id_hash, x.duty_station, x.year
           from import_rows s
           cross join lateral jsonb_to_record(s.row) as x(national_id text, national_id_hash text, duty_station text, year int)
         on conflict (national_id_hash, duty_station, year) do nothing`,
      );
    },
  };
}
/** Deployment history by national ID, encrypted with `cipher` as the service's data key does. */
export const importDeployments = (cipher: FieldCipher) => run(deployments(cipher));

export type DemoDataState = { loaded: boolean; stations: number; vacancies: number };

async function count(db: Knex, table: string): Promise<number> {
  const row = (await db(table).count({ n: '*' }).first()) as { n: number | string };
  return Number(row.n);
}

/** The demo vacancies: times relative to the load day (demo-dates.ts), otherwise as the import reads them. */
function demoVacancies(loadedAt: Date): typeof vacancies {
  return {
    ...vacancies,
    check: (v, ctx) =>
      vacancies.check(
        {
          ...v,
          opens_at: resolveDemoTime(v.opens_at, loadedAt),
          closes_at: resolveDemoTime(v.closes_at, loadedAt),
        },
        ctx,
      ),
  };
}

/** The demo files in load order, with the kind that reads each. */
function demoFiles(loadedAt: Date): [string, Kind<string, object, unknown, string>][] {
  return [
    ['exams.csv', namedList('exams', 'exam')],
    ['activities.csv', namedList('activities', 'activity')],
    ['positions.csv', namedList('positions', 'position')],
    ['duty-stations.csv', dutyStations],
    ['vacancies.csv', demoVacancies(loadedAt)],
  ] as unknown as [string, Kind<string, object, unknown, string>][];
}

export type DemoDataOptions = {
  /** The load day: the demo vacancies' times are relative to its Nairobi date. Default: now. */
  now?: Date;
};

/**
 * Loads the demo set (`dir`/exams.csv, activities.csv, positions.csv, duty-stations.csv, vacancies.csv)
 * in one transaction when the `vacancies` table is empty; otherwise leaves everything as it is. The
 * caller decides whether demo data is wanted at all (the embedded default, DEMO_DATA=1 and the tests do).
 */
export async function loadDemoData(
  db: Db,
  dir = path.join('data', 'demo'),
  opts: DemoDataOptions = {},
): Promise<DemoDataState> {
  const state = async (q: Knex, loaded: boolean) => ({
    loaded,
    stations: await count(q, 'duty_stations'),
    vacancies: await count(q, 'vacancies'),
  });
  if ((await count(db, 'vacancies')) > 0) return state(db, false);
  return db.transaction(async (trx) => {
    await lock(trx);
    if ((await count(trx, 'vacancies')) > 0) return state(trx, false);
    for (const [file, kind] of demoFiles(opts.now ?? new Date())) {
      const where = path.join(dir, file);
      const result = await runKind(trx, kind, await readFile(where, 'utf8'), {});
      if (result.errors.length) {
        throw new DemoDataError(`demo data ${where} is invalid:\n  ${result.errors.join('\n  ')}`);
      }
    }
    return state(trx, true);
  });
}

/** One log line saying what `loadDemoData` did. */
export function describeDemoData(s: DemoDataState, dir = path.join('data', 'demo')): string {
  const counts = `${s.vacancies} vacancies at ${s.stations} duty stations`;
  return s.loaded ? `demo data: ${counts} loaded from ${dir}/` : `vacancies present: ${counts}`;
}
