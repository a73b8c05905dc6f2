// The password reset limit: at most MAX_RESETS_PER_DAY (limits.ts) new passwords per account in any 24 hours (USSD and SMS together),
// so that the keyword cannot be used to bomb a phone. Asked both when a reset is requested and when an SMS
// would advise "SMS PASSWORD": advice the limit would refuse is advice the user cannot follow.
import type { Db } from '../db/knex';
import { MAX_RESETS_PER_DAY } from './limits';

const WINDOW_MS = 24 * 3600_000;

/**
 * When this account may next have a new password: undefined when it may now, else 24 hours after the
 * oldest of the resets in the last 24 hours.
 */
export async function nextResetAt(db: Db, accountId: number, now: Date): Promise<Date | undefined> {
  const recent = (await db('password_resets')
    .where({ account_id: accountId })
    .andWhere('created_at', '>', new Date(now.getTime() - WINDOW_MS))
    .orderBy('created_at')
    .select('created_at')) as { created_at: Date }[];
  if (recent.length < MAX_RESETS_PER_DAY) return undefined;
  return new Date((recent[0] as { created_at: Date }).created_at.getTime() + WINDOW_MS);
}
