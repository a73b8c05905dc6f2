import type { AdminApi } from './api';
import type { AdminDeps } from './deps';

// TODO(issue 6): the exports endpoints.
export function registerExportsRoutes(_api: AdminApi, _deps: AdminDeps): void {}
