// The accountability trail of issue 12 (migration 070): every attendance mark, claim decision, payment and
// query answer is a `duty_events` row with who did it (`admin:<token name>`, `ussd:<phone>`,
// `sms:<phone>`, `system` for a claim the service worked out) and when, written in the same transaction as
// the change it records. Nothing in those tables is updated without one.
import type { Db } from '../db/knex';

export type DutyEventKind =
  | 'attendance.in'
  | 'attendance.out'
  | 'attendance.code'
  | 'claim.created'
  | 'claim.approved'
  | 'claim.rejected'
  | 'claim.paid'
  | 'rate.import'
  | 'query.asked'
  | 'query.answered';

/** What an event is about: one attendance row, claim or query (by its id). */
export type SubjectKind = 'attendance' | 'claim' | 'query';

/** A subject as the trail writes it: `claim:3`. */
export function subjectOf(kind: SubjectKind, id: number | string): string {
  return `${kind}:${id}`;
}

/** The same, in SQL, from an id column: `'claim:' || c.id` (erasure finds an account's events by it). */
export function subjectSql(kind: SubjectKind, idColumn: string): string {
  return `'${kind}:' || ${idColumn}`;
}

export type DutyEvent = {
  kind: DutyEventKind;
  /** What it was done to: `attendance:12`, `claim:3`, `query:5`, `station:NBI-EC01:2026-12-03`. */
  subject: string;
  actor: string;
  at: Date;
  details?: Record<string, unknown>;
};

export async function recordDutyEvents(db: Db, events: DutyEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db('duty_events').insert(events.map((e) => ({ ...e, details: JSON.stringify(e.details ?? {}) })));
}

/** The events of one subject, oldest first (for the operators' views). */
export async function eventsOf(db: Db, subject: string) {
  return (await db('duty_events')
    .where({ subject })
    .orderBy('id')
    .select('kind', 'actor', 'at', 'details')) as {
    kind: DutyEventKind;
    actor: string;
    at: Date;
    details: Record<string, unknown>;
  }[];
}
