// Making an SMS fit its segment. Every segment is paid for and a message split in two can arrive out of
// order or half, so an SMS is one 160-character GSM-7 segment: a long name is shortened ("Dagoretti North
// Boys High Sch.") and a list shows whole entries and how many more there are, never a word cut in two.
import { gsm7Length } from './gsm7';

export const SMS_SEGMENT = 160;
/** Two concatenated GSM-7 segments (each loses 7 septets to the header that joins them). */
export const SMS_TWO_SEGMENTS = 306;
/**
 * The only SMS allowed two segments: the privacy notice and a teacher's own copy (docs/privacy.md), and an
 * operator's answer to a query (docs/duties.md).
 */
export const TWO_SEGMENT_TEMPLATES: readonly string[] = ['sms.privacy', 'sms.myData', 'sms.queryAnswer'];

/** How many GSM-7 characters an SMS of `template` may take: one segment, or two for the few above. */
export function smsBudget(template: string): number {
  return TWO_SEGMENT_TEMPLATES.includes(template) ? SMS_TWO_SEGMENTS : SMS_SEGMENT;
}

/**
 * A name is not shortened below this many characters while another one can still give way: "Dagoret."
 * is still a place a teacher recognises, "D." is not.
 */
const NAME_MIN = 10;

/** The usual short forms of words in the names of schools and centres, as on notice boards. */
const ABBREVIATIONS: Record<string, string> = {
  SECONDARY: 'Sec',
  SCHOOL: 'Sch',
  PRIMARY: 'Pri',
  ACADEMY: 'Acad',
  COMPREHENSIVE: 'Comp',
  TECHNICAL: 'Tech',
  INSTITUTE: 'Inst',
  COLLEGE: 'Coll',
  CENTRE: 'Ctr',
  CENTER: 'Ctr',
  MEMORIAL: 'Mem',
  MIXED: 'Mxd',
  TRAINING: 'Trg',
};

function abbreviate(name: string): string {
  return name.replace(/[A-Za-z]+/g, (word) => {
    const short = ABBREVIATIONS[word.toUpperCase()];
    if (!short) return word;
    return word === word.toUpperCase() ? short.toUpperCase() : short;
  });
}

/**
 * `name` in at most `max` characters: as it is when it fits; else with the usual short forms; else cut,
 * with a full stop where it was cut ("Embakasi Central Mxd."), as a written abbreviation would have.
 */
export function shortenName(name: string, max: number): string {
  if (name.length <= max) return name;
  const short = abbreviate(name);
  if (short.length <= max) return short;
  if (max < 2) return short.slice(0, Math.max(max, 0));
  return `${short.slice(0, max - 1).replace(/[\s.,;:'-]+$/, '')}.`;
}

/**
 * The params with the names in `shortenable` shortened, in that order and each only as far as needed,
 * until `render` (the SMS as it will be sent) fits `budget` septets. A name is cut below NAME_MIN only
 * when every name is down to it.
 */
export function fitParams<P extends Record<string, unknown>>(
  render: (params: P) => string,
  params: P,
  shortenable: readonly string[],
  budget = SMS_SEGMENT,
): P {
  let fitted = params;
  const over = () => gsm7Length(render(fitted)) - budget;
  for (const floor of [NAME_MIN, 1]) {
    for (const key of shortenable) {
      const value = fitted[key];
      const excess = over();
      if (excess <= 0) return fitted;
      if (typeof value !== 'string' || value.length <= floor) continue;
      const target = Math.max(floor, value.length - excess);
      fitted = { ...fitted, [key]: shortenName(value, target) };
    }
  }
  return fitted;
}

/**
 * The longest run of whole `entries`, from the first, written by `write` (which also says how many of the
 * `total` are not shown) in at most `room` septets; '' when not even `write([], total)` fits.
 */
export function fitWholeEntries(
  entries: readonly string[],
  total: number,
  room: number,
  write: (shown: readonly string[], hidden: number) => string,
): string {
  for (let shown = entries.length; shown >= 0; shown--) {
    const text = write(entries.slice(0, shown), total - shown);
    if (gsm7Length(text) <= room) return text;
  }
  return '';
}
