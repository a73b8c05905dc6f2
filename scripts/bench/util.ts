// Small helpers shared by the bench's modules: numbers, environment, HTTP servers, Redis clean-up and the
// run's clean-up list.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Redis } from 'ioredis';

/** The p-th percentile of ascending values (nearest rank); NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** p50 and p99 of unsorted values. */
export function p50p99(values: number[]): { p50: number; p99: number; n: number } {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

export function intEnv(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export function listen(app: Koa): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
    server.once('error', reject);
  });
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

/** Removes this run's keys (and only those) from a Redis other people use too. */
export async function cleanRedis(redis: Redis, patterns: string[], extraKeys: string[]): Promise<number> {
  let removed = 0;
  for (const match of patterns) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      if (found.length) removed += await redis.unlink(...found);
    } while (cursor !== '0');
  }
  for (let i = 0; i < extraKeys.length; i += 500) {
    removed += await redis.unlink(...extraKeys.slice(i, i + 500));
  }
  return removed;
}

/** Prints rows as a table: the first column left-aligned, the others right-aligned. */
export function printTable(rows: string[][], indent = ''): void {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  for (const row of rows) {
    console.log(
      indent +
        row
          .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
          .join('  ')
          .trimEnd(),
    );
  }
}

/**
 * What the run set up, undone last first, once however often it is called (Ctrl-C and finally).
 */
export class Cleanups {
  private readonly steps: Array<() => Promise<unknown>> = [];
  private running?: Promise<void>;

  push(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (let next = this.steps.pop(); next; next = this.steps.pop()) {
        await next().catch((err: unknown) => console.error('cleanup:', (err as Error).message));
      }
    })();
    return this.running;
  }
}
