// A fake Africa's Talking SMS API for tests: a node:http server on 127.0.0.1 (random port) answering
// POST /version1/messaging as AT does, parsing the form body our AT client sends
// (src/channels/sms/at-sms-client.ts) and recording every request. Replies are scripted per request, first in first out (`respondWith`); with
// nothing queued, the default reply is used (success unless changed with `respondByDefault`).
//
// Point an AtGateway at it with `smsUrl: fake.smsUrl` (that is `${fake.url}/version1/messaging`).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const SMS_PATH = '/version1/messaging';

export type FakeReply =
  /** HTTP 201 with one recipient and an accepted status code (100 Processed, 101 Success, 102 Queued). */
  | { kind: 'success'; statusCode?: 100 | 101 | 102; status?: string; messageId?: string; delayMs?: number }
  /** HTTP 201 with one recipient whose statusCode says it was not sent (403, 406, 409, 500, 502...). */
  | { kind: 'recipientFailure'; statusCode: number; status: string }
  /** A whole-request HTTP error (the body echoes the request, to prove errors never carry it). */
  | { kind: 'http'; status: number; body?: string }
  /** HTTP 201 with an empty Recipients list: AT's whole-request failure (an unknown sender id...). */
  | { kind: 'emptyRecipients'; message?: string }
  /** Never answers (the socket stays open until the client gives up or the fake closes). */
  | { kind: 'hang' }
  /** Sends the 201 headers, then one byte of the body every `everyMs`, never finishing. */
  | { kind: 'trickle'; everyMs: number }
  /** Closes the connection without an HTTP answer (socket destroyed: "socket hang up"/ECONNRESET). */
  | { kind: 'close' }
  /** Any JSON body with any status (several recipients, a field of the wrong type...). */
  | { kind: 'json'; status: number; body: unknown };

export const reply = {
  success: (o: Omit<Extract<FakeReply, { kind: 'success' }>, 'kind'> = {}): FakeReply => ({
    kind: 'success',
    ...o,
  }),
  recipientFailure: (statusCode: number, status: string): FakeReply => ({
    kind: 'recipientFailure',
    statusCode,
    status,
  }),
  http: (status: number, body?: string): FakeReply => ({ kind: 'http', status, body }),
  emptyRecipients: (message = 'InvalidSenderId'): FakeReply => ({ kind: 'emptyRecipients', message }),
  hang: (): FakeReply => ({ kind: 'hang' }),
  trickle: (everyMs = 50): FakeReply => ({ kind: 'trickle', everyMs }),
  close: (): FakeReply => ({ kind: 'close' }),
  json: (status: number, body: unknown): FakeReply => ({ kind: 'json', status, body }),
};

export type FakeRequest = {
  method: string;
  path: string;
  /** The `apikey` header (AT takes the API key there). */
  apikey: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
  /** Every form field as sent. */
  form: Record<string, string>;
  username: string | undefined;
  to: string | undefined;
  message: string | undefined;
  from: string | undefined;
  /** How the fake answered it. */
  reply: FakeReply['kind'];
  /** The AT message id given in a success reply. */
  messageId?: string;
  receivedAt: number;
};

export type FakeAt = {
  url: string;
  smsUrl: string;
  requests: FakeRequest[];
  /** Queues replies for the next requests, in order. */
  respondWith(...replies: FakeReply[]): void;
  /** The reply used when nothing is queued. */
  respondByDefault(r: FakeReply): void;
  /** Forgets the requests, the queue and the default; ends requests left hanging. */
  reset(): void;
  /** Resolves once `count` requests have arrived (in total since the last reset). */
  waitForRequests(count: number, timeoutMs?: number): Promise<FakeRequest[]>;
  /** The most requests the fake held at once (received, not yet answered) since the last reset. */
  maxInFlight(): number;
  /** Requests whose message text contains `needle`. */
  requestsWith(needle: string): FakeRequest[];
  close(): Promise<void>;
};

const SUCCESS_DEFAULT: FakeReply = { kind: 'success' };
let ids = 0;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startFakeAt(): Promise<FakeAt> {
  let queue: FakeReply[] = [];
  let fallback: FakeReply = SUCCESS_DEFAULT;
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const held = new Set<ServerResponse>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    void handle(req, res).catch((err: unknown) => {
      console.error('fake AT failed', err);
      res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || path !== SMS_PATH) {
      json(res, 404, { error: `fake AT: no ${req.method} ${path}` });
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    const r = queue.shift() ?? fallback;
    const apikey = req.headers.apikey;
    const record: FakeRequest = {
      method: req.method,
      path,
      apikey: Array.isArray(apikey) ? apikey.join(',') : apikey,
      accept: req.headers.accept,
      contentType: req.headers['content-type'],
      form,
      username: form.username,
      to: form.to,
      message: form.message,
      from: form.from,
      reply: r.kind,
      receivedAt: Date.now(),
    };
    requests.push(record);
    const number = form.to ?? '';

    switch (r.kind) {
      case 'success': {
        const messageId = r.messageId ?? `ATXid_${++ids}_${randomBytes(4).toString('hex')}`;
        record.messageId = messageId;
        if (r.delayMs) await sleep(r.delayMs);
        json(res, 201, {
          SMSMessageData: {
            Message: 'Sent to 1/1 Total Cost: KES 0.8000',
            Recipients: [
              {
                statusCode: r.statusCode ?? 101,
                number,
                status: r.status ?? 'Success',
                cost: 'KES 0.8000',
                messageId,
              },
            ],
          },
        });
        return;
      }
      case 'recipientFailure':
        json(res, 201, {
          SMSMessageData: {
            Message: 'Sent to 0/1 Total Cost: 0',
            Recipients: [
              { statusCode: r.statusCode, number, status: r.status, cost: '0', messageId: 'None' },
            ],
          },
        });
        return;
      case 'http': {
        const body = r.body ?? `fake AT error for request: ${raw}`;
        res.writeHead(r.status, { 'content-type': 'text/plain' });
        res.end(body);
        return;
      }
      case 'emptyRecipients':
        json(res, 201, { SMSMessageData: { Message: r.message ?? 'InvalidSenderId', Recipients: [] } });
        return;
      case 'hang':
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      case 'trickle': {
        held.add(res);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.write('{');
        const t = setInterval(() => res.write(' '), r.everyMs);
        timers.add(t);
        res.on('close', () => {
          clearInterval(t);
          timers.delete(t);
          held.delete(res);
        });
        return;
      }
      case 'close':
        req.socket.destroy();
        return;
      case 'json':
        json(res, r.status, r.body);
        return;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const endHeld = () => {
    for (const t of timers) clearInterval(t);
    timers.clear();
    for (const res of held) res.destroy();
    held.clear();
  };

  return {
    url,
    smsUrl: `${url}${SMS_PATH}`,
    requests,
    respondWith: (...replies) => void queue.push(...replies),
    respondByDefault: (r) => void (fallback = r),
    reset: () => {
      endHeld();
      requests.length = 0;
      queue = [];
      fallback = SUCCESS_DEFAULT;
      maxInFlight = inFlight;
    },
    async waitForRequests(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > until) {
          throw new Error(`fake AT: expected ${count} requests, got ${requests.length}`);
        }
        await sleep(10);
      }
      return requests;
    },
    maxInFlight: () => maxInFlight,
    requestsWith: (needle) => requests.filter((r) => r.message?.includes(needle)),
    close: async () => {
      endHeld();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens (the port was free a moment ago): connection refused. */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${SMS_PATH}`;
}
