// What the outbox relay needs from an SMS provider.

export type SendResult =
  | { kind: 'sent'; providerMessageId?: string; providerStatus: string }
  /** Worth another attempt later: 5xx, timeouts, network errors, a whole-request failure. */
  | { kind: 'retry'; error: string }
  /** Will never succeed as it is: a rejected number, blacklist, DND (AT 401-409). */
  | { kind: 'permanent'; error: string; providerStatus?: string };

export type OutgoingSms = { to: string; from: string; text: string };

export interface SmsGateway {
  readonly name: 'africastalking' | 'simulator';
  send(sms: OutgoingSms): Promise<SendResult>;
}
