import type { AdminApi } from './api';
import type { AdminDeps } from './deps';

// TODO(issue 6): the applications endpoints.
export function registerApplicationsRoutes(_api: AdminApi, _deps: AdminDeps): void {}
