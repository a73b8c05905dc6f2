// The contract between the vacancies/applications domain and the menus that browse and apply.
import type { ApplicationStatus } from './application-status';
import type { Lang } from './language';
import type { SectionId } from './profile-fields';

/** The browse path, in the order the portal walks it. */
export const LEVELS = ['exam', 'activity', 'stationType', 'position', 'county', 'subCounty'] as const;
export type Level = (typeof LEVELS)[number];

/** Choices made so far on the browse path (codes; a sub-county by its id as a string). */
export type Filter = Partial<Record<Level, string>>;

/**
 * One entry of a browse list: the code to filter by and the name to show (GSM-7). `applied`: an exam and
 * activity the teacher already has an active application in (only one per series is allowed, so every
 * vacancy they already applied for is under a marked activity).
 */
export type Choice = { value: string; label: string; applied?: boolean };

export type VacancySummary = { id: number; station: string; available: number };

/** Where a vacancy list continues: after the last vacancy shown, in the list's order. */
export type VacancyCursor = { available: number; station: string; id: number };

/** One page of a vacancy list, and where the next starts (none on the last page). */
export type VacancyPage = { vacancies: VacancySummary[]; next?: VacancyCursor };

/** How much of a vacancy list to read: a page after a cursor, narrowed by a station code or name. */
export type VacancyQuery = { limit?: number; after?: VacancyCursor; search?: string };

/** Whose browse it is: marks what that account already applied for. */
export type BrowseFor = { accountId?: number };

export type VacancyDetails = {
  id: number;
  exam: string;
  activity: string;
  station: string;
  stationType: string;
  position: string;
  county: string;
  subCounty: string;
  /** Positions minus approved applications. */
  available: number;
  /** When applications close, shown as `29/11/2026 23:59` (Nairobi time). */
  closes: string;
};

export type ApplyResult =
  | { status: 'submitted'; applicationId: number }
  | { status: 'profileIncomplete'; missing: SectionId[] }
  /** Closed, past its closing time, or gone. */
  | { status: 'closed' }
  /** Approved applications fill its positions. */
  | { status: 'full' }
  /** An active application for this vacancy exists. */
  | { status: 'duplicate' }
  /** An active application in the same exam and activity exists (one centre per series). */
  | { status: 'sameSeries' }
  /** Deployed to this centre in each of the previous two years. */
  | { status: 'ineligible' };

export type ApplicationSummary = {
  id: number;
  vacancyId: number;
  exam: string;
  position: string;
  station: string;
  status: ApplicationStatus;
  /** `29/11/2026` */
  appliedOn: string;
};

/** Where a list of applications continues: after the last one shown (most recent first). */
export type ApplicationCursor = { createdAt: string; id: number };

/** One page of an account's applications, and where the next starts (none on the last page). */
export type ApplicationPage = { applications: ApplicationSummary[]; next?: ApplicationCursor };

/**
 * A page of applications: `withdrawable` keeps only those that can still be withdrawn; `lang` names the
 * exams and positions (English unless given).
 */
export type ApplicationQuery = {
  limit?: number;
  after?: ApplicationCursor;
  withdrawable?: boolean;
  lang?: Lang;
};

export type WithdrawResult = { status: 'withdrawn' } | { status: 'notWithdrawable' };
