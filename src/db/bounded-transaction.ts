// A write transaction bounded by the deadline of the work in hand (work-deadline.ts). A hop that misses
// its deadline has already answered the user with an apology, so what it was doing must not commit
// later: each statement gets `statement_timeout` = the time left, and COMMIT is refused (rolled back)
// once too little is left to commit and answer. Without a deadline it is a plain transaction.
import type { Knex } from 'knex';
import type { Db } from './knex';
import { currentDeadline } from './work-deadline';

/**
 * Time kept back for COMMIT itself and what the hop does after it (the next screen, saving the session).
 * A commit that starts later than this before the deadline could land after the user saw the apology.
 */
export const COMMIT_RESERVE_MS = 100;

/** The work ran out of time: nothing it wrote was committed. */
export class DeadlineExceeded extends Error {
  constructor(cause?: unknown) {
    super('deadline exceeded: transaction rolled back', { cause });
    this.name = 'DeadlineExceeded';
  }
}

const QUERY_CANCELED = '57014';

function timeLeft(deadline: number): number {
  return deadline - COMMIT_RESERVE_MS - Date.now();
}

export async function boundedTransaction<T>(db: Db, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const deadline = currentDeadline();
  if (deadline === undefined) return db.transaction(work);
  if (timeLeft(deadline) < 1) throw new DeadlineExceeded();
  try {
    return await db.transaction(async (trx) => {
      // Waiting for the connection and BEGIN took time too: bound the statements by what is left now.
      const left = Math.floor(timeLeft(deadline));
      if (left < 1) throw new DeadlineExceeded();
      await trx.raw(`select set_config('statement_timeout', ?, true)`, [String(left)]);
      const result = await work(trx);
      // Throwing here makes Knex roll back instead of sending COMMIT.
      if (timeLeft(deadline) < 0) throw new DeadlineExceeded();
      return result;
    });
  } catch (err) {
    // A statement cancelled by the timeout set above: the transaction was rolled back.
    if ((err as { code?: string }).code === QUERY_CANCELED) throw new DeadlineExceeded(err);
    throw err;
  }
}
