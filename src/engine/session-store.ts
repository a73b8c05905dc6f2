// What the engine needs from a session store. Redis in production; an in-process map with the same TTL
// semantics when no REDIS_URL is given (there is no embeddable Redis on the registry).

export type StoreWrite = { key: string; value: string; ttlSeconds: number } | { key: string; delete: true };

export interface SessionStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Applies all writes atomically (one round trip on Redis). */
  write(ops: StoreWrite[]): Promise<void>;
  /** SET NX PX: true when the key was absent and is now ours. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes the key only while it still holds `value` (a lock we own). */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const keys = {
  session: (sessionId: string) => `ussd:s:${sessionId}`,
  seen: (sessionId: string) => `ussd:seen:${sessionId}`,
  lock: (sessionId: string) => `ussd:lock:${sessionId}`,
  resume: (phone: string) => `ussd:resume:${phone}`,
};
