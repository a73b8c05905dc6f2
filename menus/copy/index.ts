import type { Lang, Params, TextRef } from '../screen';
import { en, type CopyKey } from './en';
import { sw } from './sw';

export { type CopyKey };
export const copy: Record<Lang, Record<CopyKey, string>> = { en, sw };

export function isCopyKey(key: string): key is CopyKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

function interpolate(lang: Lang, template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    if (v === undefined) return m;
    return typeof v === 'object' ? translate(lang, v.key, params) : String(v);
  });
}

/** Turns a TextRef into words in the user's language; `globals` fills {code} and {sms}. */
export function translate(lang: Lang, ref: TextRef, globals: Params = {}): string {
  if (typeof ref !== 'string' && 'literal' in ref) return ref.literal;
  const key = typeof ref === 'string' ? ref : ref.key;
  const params = typeof ref === 'string' ? globals : { ...globals, ...ref.params };
  if (!isCopyKey(key)) throw new Error(`missing copy key ${key}`);
  return interpolate(lang, copy[lang][key], params);
}
