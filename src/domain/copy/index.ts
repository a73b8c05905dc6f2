// The copy catalogue: every word a phone shows, in English and Kiswahili. It lives in the domain so that
// every layer may use it (the domain's SMS templates are typed by its keys); it imports nothing but the
// language type and the limits it quotes (limits.ts).
import type { Lang } from '../language';
import { COPY_LIMITS } from '../limits';
import { en, type CopyKey } from './en';
import { sw } from './sw';

export { type CopyKey };

/**
 * A parameter is a value shown as it is, or a copy key translated in the same language (with parameters
 * of its own, if it has any: "You did not finish {task}" where the task is "filling {section}").
 */
export type Params = { [name: string]: string | number | { key: string; params?: Params } };
/**
 * A copy key (translated), a key with parameters, or text shown as it is (data). `plural` names the
 * parameter that counts: the key then has one form per plural category of the language
 * (`login.wrong.one`, `login.wrong.other`), chosen with `Intl.PluralRules`.
 */
export type TextRef = string | { key: string; params?: Params; plural?: string } | { literal: string };
export const copy: Record<Lang, Record<CopyKey, string>> = { en, sw };

export function isCopyKey(key: string): key is CopyKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

function interpolate(lang: Lang, template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => {
    // A limit the rules enforce ({maxFailedLogins}) is said with its value from limits.ts.
    const v = params[name] ?? COPY_LIMITS[name];
    if (v === undefined) return m;
    if (typeof v !== 'object') return String(v);
    // A key with parameters of its own (a task naming its section) is translated with them too.
    return translate(lang, { key: v.key, params: { ...params, ...v.params } });
  });
}

const pluralRules: Record<Lang, Intl.PluralRules> = {
  en: new Intl.PluralRules('en'),
  sw: new Intl.PluralRules('sw'),
};

/** The key of the plural form for `count` ("1 attempt", "2 attempts"); `other` when a form is missing. */
function pluralKey(lang: Lang, key: string, count: unknown): string {
  const form = `${key}.${pluralRules[lang].select(Number(count))}`;
  return isCopyKey(form) ? form : `${key}.other`;
}

/** Turns a TextRef into words in the user's language; `globals` fills {code} and {sms}. */
export function translate(lang: Lang, ref: TextRef, globals: Params = {}): string {
  if (typeof ref !== 'string' && 'literal' in ref) return ref.literal;
  const params = typeof ref === 'string' ? globals : { ...globals, ...ref.params };
  const key =
    typeof ref === 'string' ? ref : ref.plural ? pluralKey(lang, ref.key, params[ref.plural]) : ref.key;
  if (!isCopyKey(key)) throw new Error(`missing copy key ${key}`);
  return interpolate(lang, copy[lang][key], params);
}
