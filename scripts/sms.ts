// Texts the running service as a phone would, through Africa's Talking's incoming-SMS webhook:
//
//   npm run sms -- 0712345678 PASSWORD [--url http://localhost:3000] [--token T] [--wait 10]
//
// It posts the form AT posts to /sms/inbound (from, to, text, date, id, linkId, networkCode), with
// ?token= when the service has a WEBHOOK_TOKEN, then shows the replies: while outbound SMS go to the
// simulator, the new messages in the simulator inbox for that phone (GET /simulator/messages?to=…);
// otherwise the replies went to Africa's Talking, and it says so. The service is found as `npm start`
// was told (PORT in the environment or .env, else 3000; --url overrides: scripts/service-url.ts).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { normalisePhone } from '../src/domain/phone';
import { findService, ServiceUrlError, unreachable, type ServiceTarget } from './service-url';

const USAGE = `usage: npm run sms -- <phone> <text…> [--url http://localhost:3000] [--token T] [--wait 10]
  <phone>      the sender, a Kenyan mobile number: +2547XXXXXXXX, 2547XXXXXXXX or 07XXXXXXXX
  <text…>      the message, e.g. PASSWORD, HELP, STATUS (NENOSIRI, MSAADA, HALI)
  --url        where the service listens (default: PORT from the environment or .env, else 3000)
  --token      WEBHOOK_TOKEN of the service (default: WEBHOOK_TOKEN from the environment or .env)
  --to         the short code texted (default: SMS_SENDER from the environment or .env, else 22262)
  --network    AT network code of the sender (default 63902, Safaricom)
  --wait       seconds to wait for the replies (default 10)`;

type Message = { id: string; to: string; from: string; text: string; status: string; createdAt: string };

/** After the first reply, how long to keep looking for more (a reply can be two SMS). */
const SETTLE_MS = 1500;
const POLL_MS = 200;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function readArgs() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        to: { type: 'string' },
        network: { type: 'string', default: '63902' },
        wait: { type: 'string', default: '10' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const [raw, ...words] = positionals;
  if (raw === undefined || words.length === 0) fail(`Give a phone number and the text.\n${USAGE}`);
  const phone = normalisePhone(raw);
  if (!phone) fail(`"${raw}" is not a Kenyan mobile number (try +254712345678 or 0712345678).`);
  if (!/^\d{3,8}$/.test(values.network)) fail(`--network "${values.network}" is not a network code.`);
  const wait = Number(values.wait);
  if (!/^\d{1,3}$/.test(values.wait) || wait < 1) fail(`--wait "${values.wait}" must be 1 to 999 seconds.`);
  let target: ServiceTarget;
  try {
    target = findService({ url: values.url });
  } catch (err) {
    if (err instanceof ServiceUrlError) fail(err.message);
    throw err;
  }
  return {
    phone,
    text: words.join(' '),
    target,
    token: values.token ?? target.webhookToken,
    to: values.to ?? target.smsSender,
    network: values.network,
    waitMs: wait * 1000,
  };
}

/** The simulator inbox of `phone`, or undefined when the service sends SMS to Africa's Talking. */
async function inbox(target: ServiceTarget, phone: string): Promise<Message[] | undefined> {
  const url = new URL('/simulator/messages', target.base);
  url.searchParams.set('to', phone);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new Error(unreachable(target, err), { cause: err });
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET ${url.pathname}: HTTP ${res.status}`);
  return ((await res.json()) as { messages: Message[] }).messages;
}

async function main(): Promise<void> {
  const args = readArgs();
  const { phone, target } = args;
  const before = await inbox(target, phone);
  const seen = new Set(before?.map((m) => m.id));

  const endpoint = new URL('/sms/inbound', target.base);
  if (args.token) endpoint.searchParams.set('token', args.token);
  // The form Africa's Talking posts for an incoming SMS (docs/sms.md, "Trying it").
  const form = new URLSearchParams({
    from: phone,
    to: args.to,
    text: args.text,
    date: new Date().toISOString(),
    id: randomUUID(),
    linkId: randomUUID(),
    networkCode: args.network,
  });
  console.log(
    `SMS from ${phone} to ${args.to}: ${JSON.stringify(args.text)} → ${target.base.origin} (${target.from})`,
  );
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new Error(unreachable(target, err), { cause: err });
  }
  const body = await res.text();
  if (res.status === 401) throw new Error('401 Unauthorized: the service has a WEBHOOK_TOKEN; pass --token');
  if (res.status !== 200) throw new Error(`POST /sms/inbound: HTTP ${res.status} ${body.slice(0, 200)}`);
  console.log(`accepted (HTTP 200 ${body})`);

  if (before === undefined) {
    console.log(
      "The service sends SMS through Africa's Talking: any reply went to the phone itself, not to this terminal.",
    );
    return;
  }
  // The reply is queued with the message and sent by the outbox relay a moment later: look until one
  // arrives, then a little longer for a second one, within --wait.
  const deadline = Date.now() + args.waitMs;
  let settleBy: number | undefined;
  let replies = 0;
  while (Date.now() < (settleBy ?? deadline)) {
    await sleep(POLL_MS);
    for (const m of (await inbox(target, phone)) ?? []) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      replies += 1;
      console.log(`\nreply from ${m.from} (${m.status}, ${m.text.length} chars):\n${m.text}`);
      settleBy ??= Math.min(deadline, Date.now() + SETTLE_MS);
    }
  }
  if (replies === 0) {
    console.log(
      `\nno reply within ${args.waitMs / 1000} s (some messages get none, e.g. a 4th PASSWORD within 24 hours after the service said so once).`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
