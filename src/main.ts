// Process entry: config → resources → app → listen; graceful shutdown on SIGTERM/SIGINT.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operatorTokens } from './admin-token';
import { readConfigOrExit } from './config';
import { createLogger } from './logger';
import { openResources } from './resources';
import { scheduleRetention } from './domain/personal-data/retention';
import { buildService } from './service';

async function main(): Promise<void> {
  const env = readConfigOrExit();
  const log = createLogger(env.logLevel);
  // On the embedded default with no operator token configured, one is generated under DATA_DIR.
  const config = { ...env, adminTokens: operatorTokens(env, log) };
  const resources = await openResources(config, log);
  const { app, relay } = buildService(config, resources, log);
  const server: Server = app.listen(config.port, () => {
    const port = (server.address() as AddressInfo).port;
    log.info({ port }, `listening on http://localhost:${port} (POST /ussd)`);
    if (config.smsGateway === 'simulator') log.info(`web phone: http://localhost:${port}/phone`);
    log.info(
      `operator console: http://localhost:${port}/console` +
        (config.adminTokens.length ? '' : ' (off until ADMIN_TOKEN or ADMIN_TOKENS is set)'),
    );
  });
  relay.start();
  // Records past their retention period are purged while the service runs (docs/privacy.md).
  const retention = scheduleRetention(resources.db, log.child({ component: 'retention' }));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new requests, finishing those in flight');
    const force = setTimeout(() => {
      log.error('in-flight requests did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close(() => {
      void (async () => {
        await relay.stop();
        await retention.stop();
        await resources.close();
        log.info('stopped');
        process.exit(0);
      })();
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // Never "undefined": a failure without a message still says where it came from.
  const cause =
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a thrown non-Error, as it stringifies
    err instanceof Error ? err.message || err.name : err === undefined ? 'an unknown error' : String(err);
  console.error(`failed to start: ${cause}`);
  process.exit(1);
});
