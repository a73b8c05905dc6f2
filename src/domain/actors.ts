// Who did something, as the trails record it (application_events, duty_events, admin_audit): one
// spelling per kind of actor, so that erasure can find and rewrite a teacher's (personal-data/erasure.ts).

/** The channel a teacher acted through. */
export type Via = 'ussd' | 'sms';

/** A teacher, by channel and phone (E.164): `ussd:+254712345678`. */
export function teacherActor(via: Via, phone: string): string {
  return `${via}:${phone}`;
}

/** A teacher whose account was erased: the channel stays, the phone becomes the account's id. */
export function erasedTeacherActor(via: Via, accountId: number): string {
  return `${via}:${pseudonymOf(accountId)}`;
}

/** An operator, by the name of the token that authenticated the request: `admin:ops`. */
export function operatorActor(tokenName: string): string {
  return `admin:${tokenName}`;
}

/** Whether `actor` is an operator (their actions go to the admin audit trail). */
export function isOperator(actor: string): boolean {
  return actor.startsWith(operatorActor(''));
}

/** What stands for an erased account's phone in the trails. */
export function pseudonymOf(accountId: number): string {
  return `account:${accountId}`;
}
