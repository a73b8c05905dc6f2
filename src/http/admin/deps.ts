import type { Logger } from 'pino';
import type { Db } from '../../db/knex';
import type { AccountDeps } from '../../domain/accounts';
import type { Metrics } from '../../metrics';

/** What the admin routes are given. */
export type AdminDeps = { db: Db; log: Logger; metrics: Metrics; codes: AccountDeps };
