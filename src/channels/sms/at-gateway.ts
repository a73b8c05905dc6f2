// Africa's Talking as the outbox relay's gateway: one message, one recipient, through our own client of
// AT's SMS API (at-sms-client.ts). AT can answer 201 and still not send, so the recipient's statusCode
// decides: 100/101/102 accepted, 401–409 permanent (the number, the sender id, the balance, a blacklist,
// do-not-disturb: the same again fails again), anything else retried.
import type { OutgoingSms, SendResult, SmsGateway } from './gateway';
import { AtRequestError, AtSmsClient, type AtSmsClientOptions, type AtSmsResponse } from './at-sms-client';

const ACCEPTED = new Set([100, 101, 102]);
const isPermanent = (code: number) => code >= 401 && code <= 409;

/** An E.164 number: what the outbox holds. Anything else is not worth a request. */
const E164 = /^\+[1-9]\d{7,14}$/;

export type AtGatewayOptions = AtSmsClientOptions;

export class AtGateway implements SmsGateway {
  readonly name = 'africastalking' as const;
  private readonly client: AtSmsClient;

  constructor(opts: AtGatewayOptions) {
    this.client = new AtSmsClient(opts);
  }

  /** Where the requests go (the sandbox for the `sandbox` username, or AT_SMS_URL). */
  get url(): string {
    return this.client.url;
  }

  async send(sms: OutgoingSms): Promise<SendResult> {
    if (!E164.test(sms.to)) return { kind: 'permanent', error: 'recipient is not an E.164 number' };
    if (sms.text.length === 0) return { kind: 'permanent', error: 'empty message' };
    let response: AtSmsResponse;
    try {
      response = await this.client.send({ to: [sms.to], message: sms.text, from: sms.from });
    } catch (err) {
      // Timeouts, network errors, HTTP errors (5xx, but also 401 for a wrong key: fixed by an operator,
      // then the next attempt goes), an unreadable answer: all worth another attempt.
      if (err instanceof AtRequestError) return { kind: 'retry', error: err.message };
      throw err;
    }
    const { recipients, summary } = response;
    const mine = recipients.find((r) => r.number === sms.to) ?? recipients[0];
    if (!mine) {
      // AT's whole-request failure in a 201 (an unknown sender id, a bad username): Recipients is empty.
      return { kind: 'retry', error: `no recipient in response: ${summary}`.trim() };
    }
    if (ACCEPTED.has(mine.statusCode)) {
      return { kind: 'sent', providerMessageId: mine.messageId, providerStatus: mine.status };
    }
    const error = `AT ${mine.statusCode} ${mine.status}`;
    return isPermanent(mine.statusCode)
      ? { kind: 'permanent', error, providerStatus: mine.status }
      : { kind: 'retry', error };
  }
}
