// The applications part of the STATUS reply: the most recent applications with their status in the
// reader's language, as many whole ones as fit the segment after the account summary, then how many more
// there are and where to see them ("+3 more: dial *384*22262#").
import { translate } from './copy';
import type { Lang } from './language';
import { toGsm7, gsm7Length } from './gsm7';
import { SMS_SEGMENT, fitWholeEntries } from './sms-fit';
import type { RecentApplications } from './applications';

/** " Applications: KCSE Invigilator submitted; … +2 more: dial …" to follow `base`; '' when none. */
export function applicationsSuffix(
  lang: Lang,
  base: string,
  recent: RecentApplications,
  code: string,
): string {
  if (recent.total === 0) return '';
  const label = translate(lang, 'sms.applicationsLabel');
  const entries = recent.applications.map(
    (a) => `${a.exam} ${a.position} ${translate(lang, `applications.status.${a.status}`)}`,
  );
  const more = (hidden: number) =>
    hidden > 0 ? ` ${translate(lang, 'sms.applicationsMore', { count: hidden, code })}` : '';
  const write = (shown: readonly string[], hidden: number) =>
    toGsm7(
      shown.length > 0
        ? ` ${label} ${shown.join('; ')}.${more(hidden)}`
        : ` ${label} ${translate(lang, 'sms.applicationsCount', { count: hidden, code })}`,
    );
  return fitWholeEntries(entries, recent.total, SMS_SEGMENT - gsm7Length(toGsm7(base)), write);
}
