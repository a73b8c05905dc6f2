// An interactive USSD phone in the terminal, against a running service (`npm start`):
//
//   npm run phone -- +254711000001 [--url http://localhost:3000] [--network 63902] [--token T]
//
// It finds the service as `npm start` was told (PORT in the environment or .env, else 3000; --url
// overrides: scripts/service-url.ts), dials the service code, shows each screen in a box with its length,
// and sends what you type as the next hop, with `text` accumulated with '*' exactly as Africa's Talking
// does. q quits at any prompt (and Ctrl-D); after an END screen, Enter dials again. Piped input works
// too: `printf '6\n2\nq\n' | npm run phone -- 0711000001`.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { normalisePhone } from '../src/domain/phone';
import { gsm7Length, isGsm7 } from '../src/domain/gsm7';
import { findService, ServiceUrlError, unreachable, type ServiceTarget } from './service-url';

const USAGE = `usage: npm run phone -- <phone> [--url http://localhost:3000] [--network 63902] [--token T]
  <phone>      a Kenyan mobile number: +2547XXXXXXXX, 2547XXXXXXXX or 07XXXXXXXX
  --url        where the service listens (default: PORT from the environment or .env, as npm start
               reads it, else 3000)
  --network    AT network code: 63902 Safaricom (160 chars), 63903 Airtel (182), 63907 Telkom
  --code       USSD service code (default *384*22262#)
  --token      WEBHOOK_TOKEN of the service (default: WEBHOOK_TOKEN from the environment or .env)
  q            at any prompt: hang up and quit`;

type Screen = { kind: 'CON' | 'END'; text: string; status: number };

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
        network: { type: 'string', default: '63902' },
        code: { type: 'string', default: '*384*22262#' },
        token: { type: 'string' },
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
  if (positionals.length !== 1) fail(`Give exactly one phone number.\n${USAGE}`);
  const raw = positionals[0] as string;
  const phone = normalisePhone(raw);
  if (!phone) fail(`"${raw}" is not a Kenyan mobile number (try +254711000001 or 0711000001).`);
  let target: ServiceTarget;
  try {
    target = findService({ url: values.url });
  } catch (err) {
    if (err instanceof ServiceUrlError) fail(err.message);
    throw err;
  }
  if (!/^\d{3,8}$/.test(values.network)) fail(`--network "${values.network}" is not a network code.`);
  const endpoint = new URL('/ussd', target.base);
  const token = values.token ?? target.webhookToken;
  if (token) endpoint.searchParams.set('token', token);
  return { phone, endpoint, target, network: values.network, code: values.code };
}

/** The limit the service applies for this network (its defaults; SCREEN_LIMITS may change them). */
function limitFor(network: string): number {
  return network === '63903' ? 182 : 160;
}

/** Long lines wrap at word boundaries for display only, as a handset's screen does. */
function wrapForDisplay(text: string, width = 48): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let cur = '';
    for (const word of line.split(' ')) {
      if (cur && cur.length + 1 + word.length > width) {
        out.push(cur);
        cur = word;
      } else cur = cur ? `${cur} ${word}` : word;
    }
    out.push(cur);
  }
  return out;
}

function box(screen: Screen, network: string): string {
  const lines = wrapForDisplay(screen.text);
  const width = Math.max(24, ...lines.map((l) => l.length));
  const limit = limitFor(network);
  const length = gsm7Length(screen.text);
  const notes = [`${screen.kind}`, `${length}/${limit} chars`];
  if (length > limit) notes.push('TOO LONG');
  if (!isGsm7(screen.text)) notes.push('not GSM-7: sent as UCS-2, half the room');
  const title = ` ${notes.join(' · ')} `;
  const top = `┌${title}${'─'.repeat(Math.max(0, width + 2 - title.length))}┐`;
  const body = lines.map((l) => `│ ${l.padEnd(width)} │`);
  const bottom = `└${'─'.repeat(Math.max(width + 2, title.length))}┘`;
  return [top, ...body, bottom].join('\n');
}

const isQuit = (line: string) => /^\s*(q|quit)\s*$/i.test(line);

async function main(): Promise<void> {
  const { phone, endpoint, target, network, code } = readArgs();
  const shown = new URL(endpoint);
  if (shown.searchParams.has('token')) shown.searchParams.set('token', '…');
  console.log(
    `Phone ${phone} on network ${network}, dialling ${code} at ${shown.href} (${target.from}); q quits`,
  );

  const interactive = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  // Lines are read through the async iterator, which queues them: with piped input the lines arrive
  // before anyone asks, and rl.question() would drop them. It finishes at end of input (or Ctrl-D).
  const lines = rl[Symbol.asyncIterator]();
  rl.on('SIGINT', () => rl.close());
  const ask = async (prompt: string): Promise<string | undefined> => {
    rl.setPrompt(prompt);
    rl.prompt();
    const next = await lines.next();
    if (next.done) {
      process.stdout.write('\n');
      return undefined;
    }
    const line = String(next.value);
    if (!interactive) process.stdout.write(`${line}\n`); // a transcript that reads like a session
    return line;
  };

  const hop = async (sessionId: string, text: string): Promise<Screen> => {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          sessionId,
          serviceCode: code,
          phoneNumber: phone,
          networkCode: network,
          text,
        }).toString(),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new Error(unreachable(target, err), { cause: err });
    }
    const body = await res.text();
    if (res.status === 401)
      throw new Error('401 Unauthorized: the service has a WEBHOOK_TOKEN; pass --token');
    const kind = body.startsWith('CON ') ? 'CON' : 'END';
    if (res.status !== 200 || !/^(CON|END) /.test(body)) {
      console.log(`HTTP ${res.status}, not a USSD answer: ${JSON.stringify(body.slice(0, 200))}`);
      return { kind: 'END', text: body, status: res.status };
    }
    return { kind, text: body.slice(4), status: res.status };
  };

  try {
    for (;;) {
      // AT session ids look like ATUid_<hex>; each dial is a new session.
      const sessionId = `ATUid_${randomBytes(12).toString('hex')}`;
      const inputs: string[] = [];
      let screen = await hop(sessionId, '');
      console.log(box(screen, network));
      while (screen.kind === 'CON') {
        const input = await ask('> ');
        // End of input or q mid-session: hang up. No USSD answer is a lone q (menus take digits, and
        // names and places are longer), so q is free to mean quit.
        if (input === undefined || isQuit(input)) return;
        inputs.push(input);
        screen = await hop(sessionId, inputs.join('*'));
        console.log(box(screen, network));
      }
      const again = await ask('Session ended. Enter to dial again, q to quit: ');
      if (again === undefined || isQuit(again)) return;
    }
  } finally {
    rl.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
