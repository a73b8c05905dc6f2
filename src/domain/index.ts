// The domain services the menus use, built on one database handle.
import type { MenuServices } from '../../menus';
import type { Db } from '../db/knex';
import { createAccounts, type AccountDeps } from './accounts';
import { createPreferences } from './preferences';

export function createServices(db: Db, deps: AccountDeps): MenuServices {
  const preferences = createPreferences(db);
  return {
    callers: { lookup: (phone) => preferences.lookupCaller(phone) },
    preferences,
    accounts: createAccounts(db, deps),
  };
}
