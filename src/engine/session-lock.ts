// Hops of one session are serialised: duplicate hops do arrive, and two concurrent read-modify-writes of
// the session would lose one. A short lock with a random token, taken together with the session's keys
// and released together with its writes; if the holder dies, the lock expires.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { keys, type SessionStore, type StoreWrite } from './session-store';

export class LockTimeout extends Error {
  constructor() {
    super('session is busy');
  }
}

export type Locked<T> = { result: T; writes: StoreWrite[] };

/** Runs `fn` holding the session's lock, with the values of `readKeys`; commits its writes on release. */
export async function withSessionLock<T>(
  store: SessionStore,
  sessionId: string,
  readKeys: string[],
  opts: { ttlMs: number; waitMs: number; onLost?: () => void },
  fn: (values: (string | null)[]) => Promise<Locked<T>>,
): Promise<T> {
  const lockKey = keys.lock(sessionId);
  const token = randomUUID();
  const giveUpAt = Date.now() + opts.waitMs;
  // Whether the lock may be ours. A take whose answer was lost (a frozen Redis times the command out
  // here, then runs it when it wakes) may still have taken it, so only a clear "no" or a commit clears this.
  let mayHold = false;
  try {
    const take = async () => {
      mayHold = true;
      const values = await store.lockAndRead(lockKey, token, opts.ttlMs, readKeys);
      mayHold = values !== null;
      return values;
    };
    let values = await take();
    while (!values) {
      if (Date.now() >= giveUpAt) throw new LockTimeout();
      await sleep(5);
      values = await take();
    }
    const { result, writes } = await fn(values);
    const ours = await store.writeAndUnlock(writes, lockKey, token);
    mayHold = false;
    if (!ours) opts.onLost?.();
    return result;
  } finally {
    // Failed, timed out or unsure: release (without writing) as soon as the store answers again, so the
    // session's next hop is not answered "busy" until the lock expires.
    if (mayHold) void releaseWhenAnswered(store, lockKey, token, Date.now() + opts.ttlMs);
  }
}

/**
 * Releases the lock if it is still this token's, retrying until the store answers. Commands on one
 * connection run in order, so a release sent after a lost take runs after it. Gives up once the lock
 * would have expired by itself.
 */
async function releaseWhenAnswered(
  store: SessionStore,
  lockKey: string,
  token: string,
  until: number,
): Promise<void> {
  for (let wait = 25; Date.now() < until; wait = Math.min(wait * 2, 250)) {
    try {
      await store.writeAndUnlock([], lockKey, token);
      return;
    } catch {
      await sleep(wait, undefined, { ref: false });
    }
  }
}
