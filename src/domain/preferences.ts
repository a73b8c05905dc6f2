import type { Lang } from '../../menus/screen';
import type { Db } from '../db/knex';

/** The language a phone chose, kept across sessions. */
export function createPreferences(db: Db) {
  return {
    async getLanguage(phone: string): Promise<Lang | null> {
      const row = await db('phone_preferences').where({ phone }).first('language');
      return (row?.language as Lang | undefined) ?? null;
    },
    async setLanguage(phone: string, lang: Lang): Promise<void> {
      await db('phone_preferences')
        .insert({ phone, language: lang, updated_at: db.fn.now() })
        .onConflict('phone')
        .merge();
    },
  };
}
