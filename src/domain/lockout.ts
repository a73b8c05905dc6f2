// The lockout rule of passwords and attendance codes, in one place: wrong entries in a row are counted,
// and the max-th locks for a while and starts the count again; a right entry clears the count. The numbers
// are in limits.ts; each caller keeps its own row (accounts, attendance_lockouts), locked while it counts.
import { CODE_LOCK_MINUTES, LOCK_MINUTES, MAX_FAILED_LOGINS, MAX_WRONG_CODES } from './limits';

export type Lockout = { max: number; minutes: number };

/** 5 wrong passwords lock the account for 30 minutes. */
export const LOGIN_LOCKOUT: Lockout = { max: MAX_FAILED_LOGINS, minutes: LOCK_MINUTES };
/** 3 wrong attendance codes lock the account's check-in for 30 minutes. */
export const CODE_LOCKOUT: Lockout = { max: MAX_WRONG_CODES, minutes: CODE_LOCK_MINUTES };

/** Whether a lock until `until` still holds at `at`. */
export function isLocked(until: Date | null, at: Date): until is Date {
  return until !== null && until > at;
}

/**
 * One more wrong entry after `failures` wrong ones in a row: either counted (`left` more are allowed) or
 * the lock, with the count back at 0.
 */
export function afterWrong(
  rule: Lockout,
  failures: number,
  at: Date,
): { locked: false; failures: number; left: number } | { locked: true; failures: 0; until: Date } {
  const counted = failures + 1;
  if (counted < rule.max) return { locked: false, failures: counted, left: rule.max - counted };
  return { locked: true, failures: 0, until: new Date(at.getTime() + rule.minutes * 60_000) };
}
