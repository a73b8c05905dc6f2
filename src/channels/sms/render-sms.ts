// Outbound SMS text from the outbox row's template and params, in the recipient's language. A param
// stored as `{ key }` is a copy key, translated in the same language.
import { translate } from '../../../menus/copy';
import type { Lang, Params } from '../../../menus/screen';
import { toGsm7 } from '../../domain/gsm7';

/** Always GSM-7, whatever the params hold: one character outside it would make every segment UCS-2. */
export function renderSms(template: string, lang: Lang, params: Params): string {
  return toGsm7(translate(lang, template, params));
}
