import type { SessionStore, StoreWrite } from './session-store';

type Entry = { value: string; expiresAt: number };

/** In-process store with Redis' TTL semantics: an expired key reads as absent. One process only. */
export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory' as const;
  private readonly map = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e && e.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.map) if (e.expiresAt <= now) this.map.delete(k);
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async write(ops: StoreWrite[]): Promise<void> {
    for (const op of ops) {
      if ('delete' in op) this.map.delete(op.key);
      else {
        const expiresAt = 'persist' in op ? Infinity : this.now() + op.ttlSeconds * 1000;
        this.map.set(op.key, { value: op.value, expiresAt });
      }
    }
  }

  async lockAndRead(lockKey: string, token: string, ttlMs: number, keys: string[]) {
    if (this.live(lockKey)) return null;
    this.map.set(lockKey, { value: token, expiresAt: this.now() + ttlMs });
    return keys.map((k) => this.live(k)?.value ?? null);
  }

  async writeAndUnlock(ops: StoreWrite[], lockKey: string, token: string): Promise<boolean> {
    if (this.live(lockKey)?.value !== token) return false;
    await this.write(ops);
    this.map.delete(lockKey);
    return true;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.map.clear();
  }
}
