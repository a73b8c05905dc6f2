import { dropTemplateDatabase, templatePrebuilt } from './template-database';

export default async function globalTeardown(): Promise<void> {
  // This run's template only (see databases.ts); the per-file databases are dropped by their files.
  // A template scripts/mutate.ts built is dropped by that script, after the last of its jest runs.
  const template = process.env.CP2_TEMPLATE_DB;
  if (template && process.env.DATABASE_URL && !templatePrebuilt()) {
    await dropTemplateDatabase(process.env.DATABASE_URL, template);
  }
  for (const s of globalThis.__cp2Services ?? []) await s.stop();
}
