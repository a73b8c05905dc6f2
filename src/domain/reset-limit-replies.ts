// SMS PASSWORD over the daily reset limit (docs/sms.md). Every reply SMS is paid for, and a script texting
// PASSWORD would otherwise buy one per message: a phone gets the "limited" reply at most once per window.
import type { Db } from '../db/knex';

export const LIMITED_REPLY_WINDOW_HOURS = 24;

/** The inbound_sms outcomes of a refused reset: answered with the "limited" SMS, or recorded only. */
export const LIMITED_REPLIED = 'reset_limited';
export const LIMITED_SILENT = 'reset_limited_silent';

/**
 * Whether a reset refused by the limit gets the "limited" reply: only when no such reply went to this
 * phone in the last 24 hours. Runs in the transaction that records the request (the account row it locked
 * serialises two requests from one phone).
 */
export async function limitedReplyDue(trx: Db, phone: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - LIMITED_REPLY_WINDOW_HOURS * 3600_000);
  const earlier: unknown = await trx('inbound_sms')
    .where({ from_phone: phone, outcome: LIMITED_REPLIED })
    .andWhere('received_at', '>', since)
    .first('id');
  return earlier === undefined;
}
