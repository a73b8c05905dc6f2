// Hops of one session are serialised: duplicate hops do arrive, and two concurrent read-modify-writes of
// the session would lose one. A short lock with a random token; the holder releases it, or it expires.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { keys, type SessionStore } from './session-store';

export class LockTimeout extends Error {
  constructor() {
    super('session is busy');
  }
}

export async function withSessionLock<T>(
  store: SessionStore,
  sessionId: string,
  opts: { ttlMs: number; waitMs: number },
  fn: () => Promise<T>,
): Promise<T> {
  const key = keys.lock(sessionId);
  const token = randomUUID();
  const giveUpAt = Date.now() + opts.waitMs;
  while (!(await store.setIfAbsent(key, token, opts.ttlMs))) {
    if (Date.now() >= giveUpAt) throw new LockTimeout();
    await sleep(5);
  }
  try {
    return await fn();
  } finally {
    await store.deleteIfEquals(key, token).catch(() => undefined);
  }
}
