import { randomBytes } from 'node:crypto';
import type { Db } from './knex';

/** A random key created once and shared by every instance (the first one to start creates it). */
export async function serviceSecret(db: Db, name: string): Promise<Buffer> {
  await db('service_secrets')
    .insert({ name, value: randomBytes(32) })
    .onConflict('name')
    .ignore();
  const row = (await db('service_secrets').where({ name }).first('value')) as { value: Buffer };
  return row.value;
}
