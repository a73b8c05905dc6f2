import type { Logger } from 'pino';
import type { Db } from '../../db/knex';
import type { AccountDeps } from '../../domain/accounts';
import type { Metrics } from '../../metrics';
import type { FieldCipher } from '../../domain/personal-data/field-cipher';

/** What the admin routes are given. */
export type AdminDeps = {
  db: Db;
  log: Logger;
  metrics: Metrics;
  codes: AccountDeps;
  /** Decrypts identity fields for authorised reads and exports (each audited). */
  cipher: FieldCipher;
};
