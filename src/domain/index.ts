// The domain services the menus use, built on one database handle.
import type { MenuServices } from '../../menus';
import type { Db } from '../db/knex';
import { createPreferences } from './preferences';

export function createServices(db: Db): MenuServices {
  return { preferences: createPreferences(db) };
}
