// Test support (not a test file): a redis-server of the test's own, on a free port, for tests that freeze,
// flush or kill Redis. The Redis at REDIS_URL is shared with other test runs and must not be touched so.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from '../../src/free-port';

export const redisServerInstalled = spawnSync('redis-server', ['--version']).status === 0;

/** `describe` that is skipped, and says why, when no redis-server binary is installed. */
export const describeWithRedisServer: (name: string, fn: () => void) => void = redisServerInstalled
  ? describe
  : (name) => describe.skip(`${name} [SKIPPED: no redis-server binary installed]`, () => undefined);

export type DedicatedRedis = {
  url: string;
  /** A connection for the test itself (to pause or flush the server); waits as long as it must. */
  control: Redis;
  stop: () => Promise<void>;
};

export async function startDedicatedRedis(): Promise<DedicatedRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const control = new Redis(url, { lazyConnect: true, retryStrategy: () => 50 });
  for (let i = 0; ; i++) {
    try {
      await control.connect();
      await control.ping();
      break;
    } catch (err) {
      control.disconnect();
      if (i > 100) throw err;
      await sleep(30);
    }
  }
  return {
    url,
    control,
    stop: async () => {
      control.disconnect();
      if (child.exitCode !== null) return;
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGKILL');
      });
    },
  };
}
