// Reading a phone's SMS inbox (the simulator) and texting the short code, over HTTP.
import { setTimeout as sleep } from 'node:timers/promises';

export type { SimulatedSms as InboxMessage } from '../../src/channels/sms/simulator-gateway';
import type { SimulatedSms as InboxMessage } from '../../src/channels/sms/simulator-gateway';

export async function inbox(baseUrl: string, phone: string): Promise<InboxMessage[]> {
  const res = await fetch(`${baseUrl}/simulator/messages?to=${encodeURIComponent(phone)}`);
  if (res.status !== 200) throw new Error(`simulator answered ${res.status}`);
  return ((await res.json()) as { messages: InboxMessage[] }).messages;
}

/** Waits until the phone has received `count` messages (the relay sends asynchronously). */
export async function waitForSms(
  baseUrl: string,
  phone: string,
  count = 1,
  timeoutMs = 5000,
): Promise<InboxMessage[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const messages = await inbox(baseUrl, phone);
    if (messages.length >= count) return messages;
    if (Date.now() > until) throw new Error(`expected ${count} SMS to ${phone}, got ${messages.length}`);
    await sleep(20);
  }
}

/** The password in a credentials or reset SMS. */
export function passwordIn(text: string): string {
  const m = /(?:Password:|password is|Nenosiri:|ni) (\d{6,12})/.exec(text);
  if (!m?.[1]) throw new Error(`no password in SMS: ${text}`);
  return m[1];
}

let seq = 0;
/** Posts an incoming SMS as AT does (form-encoded); returns the HTTP status. */
export async function textShortCode(
  baseUrl: string,
  from: string,
  text: string,
  id = `ATXid_${Date.now()}_${++seq}`,
): Promise<number> {
  const res = await fetch(`${baseUrl}/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      from,
      to: '22262',
      text,
      id,
      date: new Date().toISOString(),
      linkId: 'L1',
    }).toString(),
  });
  await res.text();
  return res.status;
}
