// Outbound SMS text from the outbox row's template and params, in the recipient's language. A param
// stored as `{ key }` is a copy key, translated in the same language.
import { translate } from '../../domain/copy';
import type { Lang, Params } from '../../../menus/screen';
import { toGsm7 } from '../../domain/gsm7';
import { fitParams, smsBudget } from '../../domain/sms-fit';

/**
 * Names that give way when an SMS would spill into a second segment, the least needed first: a station
 * name is longest and its first words say which it is; the exam code is short and tells two series apart.
 */
const SHORTENABLE = ['station', 'position', 'exam'] as const;

/**
 * Always GSM-7, whatever the params hold: one character outside it would make every segment UCS-2. And
 * one segment: names are shortened to fit (src/domain/sms-fit.ts).
 */
export function renderSms(template: string, lang: Lang, params: Params): string {
  const render = (p: Params) => toGsm7(translate(lang, template, p));
  return render(fitParams(render, params, SHORTENABLE, smsBudget(template)));
}
