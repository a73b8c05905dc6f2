import type { Lang } from './language';
import type { Db } from '../db/knex';

/** The language a phone chose, kept across sessions, and what the main menu needs about a caller. */
export function createPreferences(db: Db) {
  return {
    async setLanguage(phone: string, lang: Lang): Promise<void> {
      await db('phone_preferences')
        .insert({ phone, language: lang, updated_at: db.fn.now() })
        .onConflict('phone')
        .merge();
    },

    /** The language the phone chose, or null when it never chose one. */
    async savedLanguage(phone: string): Promise<Lang | null> {
      const row = (await db('phone_preferences').where({ phone }).first('language')) as
        { language: Lang } | undefined;
      return row?.language === 'sw' || row?.language === 'en' ? row.language : null;
    },

    /** One round trip at the start of a session: saved language and whether an account exists. */
    async lookupCaller(phone: string): Promise<{ lang: Lang | null; hasAccount: boolean }> {
      const { rows } = await db.raw<{ rows: { language: Lang | null; has_account: boolean }[] }>(
        `select (select language from phone_preferences where phone = :phone) as language,
                exists (select 1 from accounts where phone = :phone) as has_account`,
        { phone },
      );
      const row = rows[0];
      return { lang: row?.language ?? null, hasAccount: row?.has_account ?? false };
    },
  };
}
