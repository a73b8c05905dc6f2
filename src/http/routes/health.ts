import type Router from '@koa/router';
import { bearerToken } from '../middleware/token-auth';
import { exactRouter } from '../router';
import type { Metrics } from '../../metrics';

export type Probe = { name: string; check: () => Promise<void> };

export function healthRoutes(deps: { metrics: Metrics; probes: Probe[]; metricsToken?: string }): Router {
  const router = exactRouter();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(
      deps.probes.map(async (p) => {
        try {
          await withTimeout(p.check(), 1000);
          return [p.name, 'ok'] as const;
        } catch {
          return [p.name, 'unreachable'] as const;
        }
      }),
    );
    const ok = results.every(([, s]) => s === 'ok');
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ready' : 'not ready', checks: Object.fromEntries(results) };
  });
  router.get('/metrics', bearerToken(deps.metricsToken), async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  return router;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
