// The lists of the STATUS and PAY replies: the most recent entries (applications with their status,
// claims with their amount and status) in the reader's language, as many whole ones as fit the segment
// after the rest of the reply, then how many more there are and where to see them ("+3 more: dial
// *384*22262#").
import { translate } from './copy';
import type { Lang } from './language';
import { toGsm7, gsm7Length } from './gsm7';
import { SMS_SEGMENT, fitWholeEntries } from './sms-fit';
import type { RecentApplications } from './applications';

/** A reply's list: its entries (most recent first), how many there are in all, and what opens it. */
export type SmsList = {
  entries: readonly string[];
  total: number;
  /** Written before the entries ("Applications:"). */
  label?: string;
  /** What follows the label when not one entry fits (default: the list with no entry, then "+N more"). */
  noneFits?: (hidden: number) => string;
};

/**
 * " <label> entry; entry. +N more: dial <code>" to follow `base` in one segment: the one way a reply
 * writes a list (whole entries only, never a word cut in two).
 */
export function smsListSuffix(lang: Lang, base: string, list: SmsList, code: string): string {
  const label = list.label ? ` ${list.label}` : '';
  const more = (hidden: number) =>
    hidden > 0 ? ` ${translate(lang, 'sms.applicationsMore', { count: hidden, code })}` : '';
  const write = (shown: readonly string[], hidden: number) =>
    toGsm7(
      shown.length === 0 && list.noneFits
        ? `${label} ${list.noneFits(hidden)}`
        : `${label} ${shown.join('; ')}.${more(hidden)}`,
    );
  return fitWholeEntries(list.entries, list.total, SMS_SEGMENT - gsm7Length(toGsm7(base)), write);
}

/** " Applications: KCSE Invigilator submitted; … +2 more: dial …" to follow `base`; '' when none. */
export function applicationsSuffix(
  lang: Lang,
  base: string,
  recent: RecentApplications,
  code: string,
): string {
  if (recent.total === 0) return '';
  return smsListSuffix(
    lang,
    base,
    {
      entries: recent.applications.map(
        (a) => `${a.exam} ${a.position} ${translate(lang, `applications.status.${a.status}`)}`,
      ),
      total: recent.total,
      label: translate(lang, 'sms.applicationsLabel'),
      noneFits: (hidden) => translate(lang, 'sms.applicationsCount', { count: hidden, code }),
    },
    code,
  );
}
