// What the duties, attendance, claims and queries modules return to the menus and the SMS replies
// (issue 12, docs/duties.md): plain data, names already in the reader's language. Pure (type imports of
// the pure status modules only), so that the console's browser code writes shillings with `kes` too.
import type { ClaimStatus } from './claim-status';
import type { QueryStatus } from './query-status';

export const QUERY_TOPICS = ['payment', 'duty', 'account', 'other'] as const;
export type QueryTopic = (typeof QUERY_TOPICS)[number];

/** A claim as the teacher sees it. */
export type ClaimView = {
  id: number;
  status: ClaimStatus;
  days: number;
  dailyRate: number;
  amount: number;
  reason: string | null;
  mpesaRef: string | null;
  /** When it was last decided or paid (`29/11/2026`). */
  updatedOn: string;
};

/** An approved application: a duty. */
export type DutySummary = {
  applicationId: number;
  exam: string;
  position: string;
  station: string;
  /** `2026-12-03`, or null when the vacancy has no days yet. */
  startsOn: string | null;
  endsOn: string | null;
};

/** One day of a duty's attendance (times in Nairobi, `08:02`). */
export type AttendanceDay = { day: string; in: string; out: string | null };

export type DutyDetails = DutySummary & {
  attendance: AttendanceDay[];
  /** Days checked in and out. */
  attended: number;
  /** Today (Nairobi) is one of its days: check-in and check-out are offered. */
  today: boolean;
  /** Today's check-in and check-out, when checked in today. */
  todayMark: AttendanceDay | null;
  claim: ClaimView | null;
};

export type DutyCursor = { id: number };
export type DutyPage = { duties: DutySummary[]; next?: DutyCursor };

export type AttendanceKind = 'in' | 'out';

/** What a check-in or check-out did. Each answer says what was recorded and when. */
export type MarkResult =
  | { status: 'recorded'; kind: AttendanceKind; station: string; at: string; day: string }
  /** Already recorded today: when. */
  | { status: 'already'; kind: AttendanceKind; station: string; at: string; day: string }
  /** Check-out before a check-in today. */
  | { status: 'notCheckedIn'; station: string; day: string }
  /** No approved duty of the account has today among its days (at this station). */
  | { status: 'noDutyToday' }
  /** The code is not the station's code for today; `left` wrong codes before the lock. */
  | { status: 'wrongCode'; left: number }
  /** Too many wrong codes: locked until `until` (`14:35`). */
  | { status: 'locked'; until: string }
  | { status: 'noAccount' };

/** A claim with the duty it pays for, named in the reader's language. */
export type PaymentSummary = ClaimView & { exam: string; position: string; station: string };
export type PaymentPage = { claims: PaymentSummary[]; next?: number };

export type QueryView = {
  id: number;
  reference: string;
  topic: QueryTopic;
  text: string;
  status: QueryStatus;
  answer: string | null;
  askedOn: string;
};

export type QueryResult =
  | { status: 'sent'; reference: string }
  | { status: 'tooLong'; max: number }
  /** Fewer than `min` characters (QUERY_MIN), once cleaned. */
  | { status: 'tooShort'; min: number }
  | { status: 'empty' }
  | { status: 'noAccount' };

/** Shillings as screens and SMS write them: `3,000` (whole shillings, never a fraction). */
export function kes(amount: number): string {
  return amount.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

export type QueryPage = { queries: QueryView[]; next?: number };
