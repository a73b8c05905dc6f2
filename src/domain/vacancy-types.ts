// The contract between the vacancies/applications domain and the menus that browse and apply.
import type { SectionId } from './profile-fields';

/** The browse path, in the order the portal walks it. */
export const LEVELS = ['exam', 'activity', 'stationType', 'position', 'county', 'subCounty'] as const;
export type Level = (typeof LEVELS)[number];

/** Choices made so far on the browse path (codes; a sub-county by its id as a string). */
export type Filter = Partial<Record<Level, string>>;

/** One entry of a browse list: the code to filter by and the name to show (GSM-7). */
export type Choice = { value: string; label: string };

export type VacancySummary = { id: number; station: string; available: number };

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

export type ApplicationStatus = 'submitted' | 'approved' | 'rejected' | 'withdrawn';

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

export type WithdrawResult = { status: 'withdrawn' } | { status: 'notWithdrawable' };
