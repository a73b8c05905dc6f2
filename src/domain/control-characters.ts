// What is never kept as typed, wherever text comes in (AT's webhooks, a teacher's query, an operator's
// CSV or answer): a control character (Unicode Cc: C0, DEL, C1) or a lone UTF-16 surrogate. Postgres
// refuses a NUL and a lone surrogate in jsonb, and a phone shows neither.

/** Matches one such character. */
export const UNSAFE_CHARACTER = /[\p{Cc}\p{Cs}]/u;

/** Whether `ch` (one code point) is a control character or a lone surrogate. */
export function isControl(ch: string): boolean {
  return UNSAFE_CHARACTER.test(ch);
}
