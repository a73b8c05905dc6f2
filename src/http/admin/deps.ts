import type { Logger } from 'pino';
import type { AdminServices } from '../../domain/admin-services';
import type { Metrics } from '../../metrics';

/** What the admin routes are given: domain services (no database handle), the log and the metrics. */
export type AdminDeps = {
  services: AdminServices;
  log: Logger;
  metrics: Metrics;
};
