import { Redis } from 'ioredis';
import type { SessionStore, StoreWrite } from './session-store';

const DELETE_IF_EQUALS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const;

  constructor(private readonly redis: Redis) {}

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
      else multi.set(op.key, op.value, 'EX', op.ttlSeconds);
    }
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    return (await this.redis.eval(DELETE_IF_EQUALS, 1, key, value)) === 1;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
