import { Redis } from 'ioredis';
import type { SessionStore, StoreWrite } from './session-store';

// Lock and read in one round trip. KEYS[1] the lock, KEYS[2..] the keys to read; ARGV token, ttl (ms).
const LOCK_AND_READ = `
if not redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
local out = {}
for i = 2, #KEYS do out[i - 1] = redis.call('get', KEYS[i]) end
return out`;

// Write and unlock in one round trip, only while the lock is ours. KEYS[1] the lock; ARGV[1] the token,
// then per write: 'set', key, value, ttl (s); 'keep', key, value (no expiry); or 'del', key.
const WRITE_AND_UNLOCK = `
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
local i = 2
while i <= #ARGV do
  if ARGV[i] == 'set' then
    redis.call('set', ARGV[i + 1], ARGV[i + 2], 'EX', ARGV[i + 3])
    i = i + 4
  elseif ARGV[i] == 'keep' then
    redis.call('set', ARGV[i + 1], ARGV[i + 2])
    i = i + 3
  else
    redis.call('del', ARGV[i + 1])
    i = i + 2
  end
end
redis.call('del', KEYS[1])
return 1`;

type Scripted = Redis & {
  cp2LockAndRead(n: number, ...args: (string | number)[]): Promise<0 | (string | null)[]>;
  cp2WriteAndUnlock(n: number, ...args: (string | number)[]): Promise<0 | 1>;
};

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const;
  private readonly redis: Scripted;

  constructor(redis: Redis) {
    // defineCommand runs the scripts by EVALSHA (loading them when Redis does not know them yet).
    redis.defineCommand('cp2LockAndRead', { lua: LOCK_AND_READ });
    redis.defineCommand('cp2WriteAndUnlock', { lua: WRITE_AND_UNLOCK });
    this.redis = redis as Scripted;
  }

  /** Resolves once Redis answers: commands are not queued while it is away, so we wait for it once. */
  static async connect(url: string): Promise<RedisSessionStore> {
    const redis = new Redis(url, {
      // Fail fast: a hop must answer within the operator's deadline even when Redis is down.
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
      connectTimeout: 1000,
      enableOfflineQueue: false,
      retryStrategy: (times) => Math.min(times * 200, 2000),
      lazyConnect: true,
      // Commands of concurrent hops issued in the same tick go out in one write.
      enableAutoPipelining: true,
    });
    try {
      await redis.connect();
    } catch (err) {
      redis.disconnect();
      throw new Error(`REDIS_URL: cannot connect (${(err as Error).message})`, { cause: err });
    }
    return new RedisSessionStore(redis);
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async write(ops: StoreWrite[]): Promise<void> {
    const multi = this.redis.multi();
    for (const op of ops) {
      if ('delete' in op) multi.del(op.key);
      else if ('persist' in op) multi.set(op.key, op.value);
      else multi.set(op.key, op.value, 'EX', op.ttlSeconds);
    }
    const results = await multi.exec();
    const failed = results?.find(([err]) => err)?.[0];
    if (failed) throw failed;
  }

  async lockAndRead(lockKey: string, token: string, ttlMs: number, keys: string[]) {
    const out = await this.redis.cp2LockAndRead(1 + keys.length, lockKey, ...keys, token, ttlMs);
    return out === 0 ? null : keys.map((_, i) => out[i] ?? null);
  }

  async writeAndUnlock(ops: StoreWrite[], lockKey: string, token: string): Promise<boolean> {
    const args = ops.flatMap((op) =>
      'delete' in op
        ? ['del', op.key]
        : 'persist' in op
          ? ['keep', op.key, op.value]
          : ['set', op.key, op.value, String(op.ttlSeconds)],
    );
    return (await this.redis.cp2WriteAndUnlock(1, lockKey, token, ...args)) === 1;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
