// The migrated template database every test file clones: the schema, the shipped reference data
// (data/*.csv) and the demo data (data/demo/). Built by jest's global setup for each run, or once for a
// whole mutation run by scripts/mutate.ts (which then tells global setup not to build another).
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createDb } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { loadReferenceData } from '../../src/domain/reference-data';
import { loadDemoData } from '../../src/domain/vacancy-import';
import { withDatabase } from './databases';

const DATA = path.join(__dirname, '..', '..', 'data');

/** A template name no other run uses (two checkouts, CI beside a developer). */
export function newTemplateName(): string {
  return `cp2_test_template_${randomBytes(5).toString('hex')}`;
}

/** Creates database `name` on the server of `serverUrl` and fills it as every test file expects. */
export async function buildTemplateDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = createDb(serverUrl);
  try {
    await admin.raw(`create database ${name}`);
  } finally {
    await admin.destroy();
  }
  const template = createDb(withDatabase(serverUrl, name));
  try {
    await migrateLatest(template);
    await loadReferenceData(template, DATA);
    await loadDemoData(template, path.join(DATA, 'demo'));
  } finally {
    await template.destroy();
  }
}

export async function dropTemplateDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = createDb(serverUrl, { statementTimeoutMs: 30_000 });
  try {
    await admin.raw(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.destroy();
  }
}

/**
 * The per-file databases cloned from template `name` still there (databases.ts names them after it): a
 * test file whose worker was killed (Stryker does that to a mutant's run that times out) leaves its own.
 */
export async function dropTemplateClones(serverUrl: string, name: string): Promise<number> {
  const admin = createDb(serverUrl, { statementTimeoutMs: 30_000 });
  try {
    const { rows } = await admin.raw<{ rows: { datname: string }[] }>(
      `select datname from pg_database where datname like ? escape '!'`,
      [`${name.replace(/[!_%]/g, '!$&')}!_%`],
    );
    for (const { datname } of rows) await admin.raw(`drop database if exists ${datname} with (force)`);
    return rows.length;
  } finally {
    await admin.destroy();
  }
}

/**
 * Set by scripts/mutate.ts: CP2_TEMPLATE_DB names a template it built and will drop itself, so a jest
 * run (Stryker starts one for every mutant) neither builds another nor drops this one.
 */
export function templatePrebuilt(): boolean {
  return process.env.CP2_TEMPLATE_PREBUILT === '1' && !!process.env.CP2_TEMPLATE_DB;
}
