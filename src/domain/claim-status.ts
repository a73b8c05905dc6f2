// A payment claim's statuses and what each allows, in one place (docs/duties.md). Pure (no imports), so
// that the console's browser code offers the same actions the domain allows.

export const CLAIM_STATUSES = ['pending', 'approved', 'rejected', 'paid'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** Worked out, not decided yet: the only status an operator can approve or reject. */
export const PENDING = 'pending' satisfies ClaimStatus;

export function isDecidable(status: string): boolean {
  return status === PENDING;
}

/** Approved and not paid yet: the only status a payment file pays. */
export const PAYABLE = 'approved' satisfies ClaimStatus;

export function isPayable(status: string): boolean {
  return status === PAYABLE;
}

/** Paid, with its M-Pesa reference: final. */
export const PAID = 'paid' satisfies ClaimStatus;

/** What the council still owes the teacher: a claim pending or approved (not rejected, not paid yet). */
export const OWED: readonly ClaimStatus[] = [PENDING, PAYABLE];

/** A rejection's reason goes to the teacher in the rejection SMS: at most this many characters. */
export const CLAIM_REASON_MAX = 60;
