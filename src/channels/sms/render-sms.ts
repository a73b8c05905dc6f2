// Outbound SMS text from the outbox row's template and params, in the recipient's language. A param
// stored as `{ key }` is a copy key, translated in the same language.
import { translate } from '../../../menus/copy';
import type { Lang, Params } from '../../../menus/screen';

export function renderSms(template: string, lang: Lang, params: Params): string {
  return translate(lang, template, params);
}
