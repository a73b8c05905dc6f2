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
  let values = await store.lockAndRead(lockKey, token, opts.ttlMs, readKeys);
  while (!values) {
    if (Date.now() >= giveUpAt) throw new LockTimeout();
    await sleep(5);
    values = await store.lockAndRead(lockKey, token, opts.ttlMs, readKeys);
  }
  let committed = false;
  try {
    const { result, writes } = await fn(values);
    committed = true;
    if (!(await store.writeAndUnlock(writes, lockKey, token))) opts.onLost?.();
    return result;
  } finally {
    // On failure, release without writing (only if the lock is still ours).
    if (!committed) await store.writeAndUnlock([], lockKey, token).catch(() => undefined);
  }
}
