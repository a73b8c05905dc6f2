// A teacher's query: its statuses, what each allows, and how much a teacher may type, in one place
// (docs/duties.md). Pure (no imports), so that the console's browser code offers the same actions the
// domain allows.

export const QUERY_STATUSES = ['open', 'answered'] as const;
export type QueryStatus = (typeof QUERY_STATUSES)[number];

/** Asked, not answered yet: the only status an operator can answer (once; the answer closes it). */
export const OPEN = 'open' satisfies QueryStatus;
export const ANSWERED = 'answered' satisfies QueryStatus;

export function isAnswerable(status: string): boolean {
  return status === OPEN;
}

/** What a teacher may type in one query (USSD and SMS alike), once cleaned: at least this many characters. */
export const QUERY_MIN = 3;
/** …and at most this many (one USSD screen, one SMS). */
export const QUERY_MAX = 140;

/** An operator's answer: at most this many characters (and its SMS at most two segments, queries.ts). */
export const ANSWER_MAX = 280;
