import type { AdminApi } from './api';
import type { AdminDeps } from './deps';

// TODO(issue 6): the vacancies endpoints.
export function registerVacanciesRoutes(_api: AdminApi, _deps: AdminDeps): void {}
