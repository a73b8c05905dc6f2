// The keywords texted to the short code, matched the way people type them on a feature phone: any case,
// spaces inside and around ("Pass word"), punctuation ("PASSWORD."), accents, words after the keyword
// ("Password please"), and one slip of the thumb in a long keyword ("pasword", "STAUTS"). docs/sms.md has
// the table of what matches.
import { editDistance } from './edit-distance';
import type { Lang } from './language';

export type Keyword =
  'PASSWORD' | 'HELP' | 'STATUS' | 'PRIVACY' | 'MYDATA' | 'CHECKIN' | 'CHECKOUT' | 'PAY' | 'QUERY';
/** `arg`: what follows the keyword (the attendance code, the query's text), for the keywords that take one. */
export type KeywordMatch = { keyword: Keyword; lang: Lang; arg?: string };

/** Every spelling, in capitals without spaces; the language says which language to answer in. */
const ALIASES: Record<string, KeywordMatch> = {
  PASSWORD: { keyword: 'PASSWORD', lang: 'en' },
  NENOSIRI: { keyword: 'PASSWORD', lang: 'sw' },
  // "Neno la siri" is how the word is written in full; NENOSIRI is the short form the copy teaches.
  NENOLASIRI: { keyword: 'PASSWORD', lang: 'sw' },
  HELP: { keyword: 'HELP', lang: 'en' },
  MSAADA: { keyword: 'HELP', lang: 'sw' },
  STATUS: { keyword: 'STATUS', lang: 'en' },
  HALI: { keyword: 'STATUS', lang: 'sw' },
  // The privacy notice and a teacher's own copy of their data (docs/privacy.md).
  PRIVACY: { keyword: 'PRIVACY', lang: 'en' },
  FARAGHA: { keyword: 'PRIVACY', lang: 'sw' },
  MYDATA: { keyword: 'MYDATA', lang: 'en' },
  DATAYANGU: { keyword: 'MYDATA', lang: 'sw' },
  // Payment claims and queries (docs/duties.md). PAY is too short to forgive a typo; MALIPO and QUERY are not.
  PAY: { keyword: 'PAY', lang: 'en' },
  MALIPO: { keyword: 'PAY', lang: 'sw' },
  QUERY: { keyword: 'QUERY', lang: 'en' },
  SWALI: { keyword: 'QUERY', lang: 'sw' },
};

/**
 * Attendance: `IN 493817`, `OUT 493817` (`NDANI`, `NJE`): the whole message is the word and, at most, the
 * code. "In the morning…" is not a check-in: a wrong code counts towards the lock, so only this exact shape
 * is read as one. The word alone is a check-in without a code (answered with how to send one).
 */
const ATTENDANCE = /^\W*(IN|OUT|NDANI|NJE)\b[\s:.,#-]*([\d][\d\s-]*)?\W*$/i;
const ATTENDANCE_WORDS: Record<string, KeywordMatch> = {
  IN: { keyword: 'CHECKIN', lang: 'en' },
  OUT: { keyword: 'CHECKOUT', lang: 'en' },
  NDANI: { keyword: 'CHECKIN', lang: 'sw' },
  NJE: { keyword: 'CHECKOUT', lang: 'sw' },
};

/** The text after the keyword's word (a query's question), separators trimmed. */
function afterFirstWord(text: string): string {
  return text.replace(/^[^\p{L}]*\p{L}+[\s:;,.!-]*/u, '').trim();
}

/**
 * Typos are forgiven only in keywords this long: one edit away from a four-letter word such as HELP or
 * HALI is a great many ordinary words (HELL, HALT, HAIL, HALO), and a wrong PASSWORD match costs the
 * user the password they have.
 */
const TYPO_MIN_LENGTH = 5;

/** At most this many words make one keyword ("neno la siri"). */
const MAX_WORDS = 3;

/** What the message is read as: capitals A–Z, split into words at anything else (digits included). */
function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter(Boolean);
}

/**
 * The spellings a keyword may have in this message, most likely first: the first word, the first two
 * or three written as one ("PASS WORD please"), and the whole message as one ("P A S S W O R D").
 * The keyword must open the message: "I changed my password" must not issue a new one.
 */
function candidates(text: string): string[] {
  const w = words(text);
  const found: string[] = [];
  for (let n = 1; n <= Math.min(MAX_WORDS, w.length); n++) found.push(w.slice(0, n).join(''));
  found.push(w.join(''));
  return [...new Set(found)];
}

/** The one keyword `candidate` is a single typo of, or undefined (none, or two different ones). */
function nearest(candidate: string): KeywordMatch | undefined {
  const near = Object.entries(ALIASES).filter(
    ([alias]) =>
      alias.length >= TYPO_MIN_LENGTH &&
      Math.abs(alias.length - candidate.length) <= 1 &&
      editDistance(candidate, alias) === 1,
  );
  const keywords = new Set(near.map(([, m]) => m.keyword));
  return keywords.size === 1 ? near[0]?.[1] : undefined;
}

/** The keyword an inbound SMS asks for, or undefined (it then gets the HELP reply). */
export function matchKeyword(text: string): KeywordMatch | undefined {
  const attendance = ATTENDANCE.exec(text.normalize('NFKC'));
  if (attendance) {
    const word = ATTENDANCE_WORDS[(attendance[1] as string).toUpperCase()] as KeywordMatch;
    return { ...word, arg: (attendance[2] ?? '').replace(/[\s-]/g, '') };
  }
  const found = keywordOf(text);
  return found?.keyword === 'QUERY' ? { ...found, arg: afterFirstWord(text) } : found;
}

function keywordOf(text: string): KeywordMatch | undefined {
  const spellings = candidates(text);
  for (const s of spellings) {
    const exact = ALIASES[s];
    if (exact) return exact;
  }
  for (const s of spellings) {
    const near = nearest(s);
    if (near) return near;
  }
  return undefined;
}
