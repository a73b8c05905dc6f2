// The numbers the rules enforce and the copy says to the user ("locked after 5 wrong passwords"), in one
// place: the copy reads them from here (copy/index.ts fills {maxFailedLogins} and the others), so a
// change of a limit changes what the phone says with it. Pure: no imports but other pure modules.
import { QUERY_MAX } from './query-status';

/** Wrong passwords in a row that lock an account (accounts.ts), and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 30;

/** A password: digits, this many (passwords.ts). */
export const PASSWORD_MIN = 6;
export const PASSWORD_MAX = 12;

/** New passwords per account in any 24 hours, USSD and SMS together (reset-limit.ts). */
export const MAX_RESETS_PER_DAY = 3;

/** Wrong attendance codes in a row that lock check-in (attendance.ts), for how long, and a code's digits. */
export const MAX_WRONG_CODES = 3;
export const CODE_LOCK_MINUTES = 30;
export const CODE_DIGITS = 6;

/** The placeholders the copy may use for these numbers, filled wherever copy is translated. */
export const COPY_LIMITS: Readonly<Record<string, number>> = {
  maxFailedLogins: MAX_FAILED_LOGINS,
  passwordMin: PASSWORD_MIN,
  passwordMax: PASSWORD_MAX,
  maxResets: MAX_RESETS_PER_DAY,
  maxWrongCodes: MAX_WRONG_CODES,
  codeDigits: CODE_DIGITS,
  queryMax: QUERY_MAX,
};
