// The domain services the operator API calls, built once on the operator pool (src/service.ts): the
// admin routes parse, call one of these and map the result, and never hold a database handle.
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Db } from '../db/knex';
import type { AccountDeps } from './accounts';
import { recordAdminAction } from './admin-audit';
import { createApplications } from './applications';
import { createAttendance } from './attendance';
import { createClaims } from './claims';
import {
  exportApplications,
  exportAttendance,
  exportProfiles,
  type AttendanceExportFilters,
  type ExportFilters,
} from './exports';
import { createQueries } from './queries';
import type { Clock } from './time';
import { eraseAccount } from './personal-data/erasure';
import type { FieldCipher } from './personal-data/field-cipher';
import { createReview } from './review';
import { funnelReport } from './session-analytics';
import { createVacancyAdmin } from './vacancies';

export function createAdminServices(
  db: Db,
  deps: { codes: AccountDeps; cipher: FieldCipher; log: Logger; clock?: Clock },
) {
  const auditExport = (actor: string, name: string, filters: Record<string, unknown>) =>
    recordAdminAction(db, {
      actor,
      action: `export.${name}`,
      target: `exports:${name}`,
      details: { ...filters },
    });
  return {
    attendance: createAttendance(db, { now: deps.clock }),
    claims: createClaims(db, { now: deps.clock, cipher: deps.cipher }),
    queries: createQueries(db, { now: deps.clock }),
    review: createReview(db, deps.cipher),
    applications: createApplications(db, deps.codes),
    vacancies: createVacancyAdmin(db),
    /**
     * CSV exports, streamed; identity fields decrypted for the operator. Each is audited before its
     * first row is read: who took which data out, with the filters.
     */
    exports: {
      applications: async (f: ExportFilters, actor: string): Promise<Readable> => {
        await auditExport(actor, 'applications', f);
        return exportApplications(db, f, deps.log, deps.cipher);
      },
      profiles: async (f: ExportFilters, actor: string): Promise<Readable> => {
        await auditExport(actor, 'profiles', f);
        return exportProfiles(db, f, deps.log, deps.cipher);
      },
      attendance: async (f: AttendanceExportFilters, actor: string): Promise<Readable> => {
        await auditExport(actor, 'attendance', f);
        return exportAttendance(db, f, deps.log);
      },
    },
    funnel: { report: (from: Date, to: Date) => funnelReport(db, from, to) },
    accounts: { erase: (id: number, actor: string) => eraseAccount(db, id, actor, deps.codes) },
  };
}

export type AdminServices = ReturnType<typeof createAdminServices>;
