// What the engine needs from a session store. Redis in production; an in-process map with the same TTL
// semantics when no REDIS_URL is given (there is no embeddable Redis on the registry). A hop costs two
// round trips: take the session's lock and read its keys; write and release.

export type StoreWrite =
  | { key: string; value: string; ttlSeconds: number }
  /** Kept until overwritten (the store's epoch marker: its absence is how a loss of data shows). */
  | { key: string; value: string; persist: true }
  | { key: string; delete: true };

export interface SessionStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Applies all writes atomically. */
  write(ops: StoreWrite[]): Promise<void>;
  /**
   * Takes `lockKey` for `token` when it is free (SET NX PX) and, in the same step, reads `keys`.
   * Null while someone else holds the lock.
   */
  lockAndRead(
    lockKey: string,
    token: string,
    ttlMs: number,
    keys: string[],
  ): Promise<(string | null)[] | null>;
  /**
   * Applies the writes and releases the lock, only while the lock is still ours (a hop that outlived its
   * lock must not overwrite the hop that took over). Returns whether it was.
   */
  writeAndUnlock(ops: StoreWrite[], lockKey: string, token: string): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const keys = {
  session: (sessionId: string) => `ussd:s:${sessionId}`,
  seen: (sessionId: string) => `ussd:seen:${sessionId}`,
  lock: (sessionId: string) => `ussd:lock:${sessionId}`,
  resume: (phone: string) => `ussd:resume:${phone}`,
  /** One per store: see store-epoch.ts. */
  epoch: 'ussd:epoch',
};
