// Outbound SMS text from the outbox row's template and params, in the recipient's language.
import { translate } from '../../../menus/copy';
import type { Lang, Params } from '../../../menus/screen';

export function renderSms(template: string, lang: Lang, params: Params): string {
  const resolved: Params = { ...params };
  // A nested copy key (e.g. the profile state inside sms.status) is translated too.
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' && v.startsWith('sms.')) resolved[k] = translate(lang, v, params);
  }
  return translate(lang, template, resolved);
}
