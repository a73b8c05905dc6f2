// The default gateway without AT_API_KEY: messages are kept in process and served at
// GET /simulator/messages?to=<phone>, so a developer (or a test) can read what a phone received.
import { randomUUID } from 'node:crypto';
import type { OutgoingSms, SendResult, SmsGateway } from './gateway';

export type SimulatedSms = {
  id: string;
  to: string;
  from: string;
  text: string;
  status: string;
  createdAt: string;
};

/** A long run must not grow without bound: the oldest messages go first, per phone and in all. */
const MAX_KEPT = 10_000;
export const MAX_KEPT_PER_PHONE = 50;

export class SimulatorGateway implements SmsGateway {
  readonly name = 'simulator' as const;
  private readonly inbox: SimulatedSms[] = [];

  async send(sms: OutgoingSms): Promise<SendResult> {
    const id = `SIM-${randomUUID()}`;
    this.inbox.push({ id, ...sms, status: 'Success', createdAt: new Date().toISOString() });
    const kept = this.inbox.filter((m) => m.to === sms.to);
    if (kept.length > MAX_KEPT_PER_PHONE) this.inbox.splice(this.inbox.indexOf(kept[0] as SimulatedSms), 1);
    if (this.inbox.length > MAX_KEPT) this.inbox.shift();
    return { kind: 'sent', providerMessageId: id, providerStatus: 'Success' };
  }

  /** Every message sent to the phone (E.164), oldest first. */
  messagesTo(phone: string): SimulatedSms[] {
    return this.inbox.filter((m) => m.to === phone);
  }
}
