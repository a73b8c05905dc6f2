import type { AdminApi } from './api';
import type { AdminDeps } from './deps';

// TODO(issue 6): the reports endpoints.
export function registerReportsRoutes(_api: AdminApi, _deps: AdminDeps): void {}
