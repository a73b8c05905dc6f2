// An application's statuses and what each allows, in one place. Pure (no imports), so that the console's
// browser code shows the same actions the domain allows.

export const APPLICATION_STATUSES = ['submitted', 'approved', 'rejected', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Not decided yet: the only status its teacher can withdraw and an operator can approve or reject. */
export const UNDECIDED = 'submitted' satisfies ApplicationStatus;

export function isUndecided(status: string): boolean {
  return status === UNDECIDED;
}

/** A duty is an approved application: checked in and out on its days, and paid (docs/duties.md). */
export const DUTY = 'approved' satisfies ApplicationStatus;

/**
 * Active applications: the ones that block another for the same vacancy, or in the same exam and activity
 * (the partial unique indexes of migration 006 count the same statuses; active-applications.ts queries them).
 */
export const ACTIVE: readonly ApplicationStatus[] = [UNDECIDED, DUTY];

/** How many of `counts` (applications by status, e.g. a vacancy's `submitted` and `approved`) are active. */
export function activeCount(counts: Partial<Record<ApplicationStatus, number>>): number {
  return ACTIVE.reduce((n, s) => n + (counts[s] ?? 0), 0);
}

/** An operator's reason for a decision (optional; kept in the events and the audit trail): at most this long. */
export const DECISION_REASON_MAX = 160;
