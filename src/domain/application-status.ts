// An application's statuses and what each allows, in one place. Pure (no imports), so that the console's
// browser code shows the same actions the domain allows.

export const APPLICATION_STATUSES = ['submitted', 'approved', 'rejected', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/**
 * Not decided yet: the only status its teacher can withdraw and an operator can approve or reject.
 * (Active applications, which block another one, are in active-applications.ts.)
 */
export const UNDECIDED = 'submitted' satisfies ApplicationStatus;

export function isUndecided(status: string): boolean {
  return status === UNDECIDED;
}

/** A duty is an approved application: checked in and out on its days, and paid (docs/duties.md). */
export const DUTY = 'approved' satisfies ApplicationStatus;

/** An operator's reason for a decision (optional; kept in the events and the audit trail): at most this long. */
export const DECISION_REASON_MAX = 160;
