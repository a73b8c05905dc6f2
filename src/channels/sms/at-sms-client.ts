// Africa's Talking's SMS API, spoken directly (docs/decisions/0014-our-own-at-sms-client.md): a form POST
// to /version1/messaging with the `apiKey` header, through Node's fetch. One deadline
// (AbortSignal.timeout) covers the whole exchange: connecting, the headers and every byte of the body.
// The URL is per client (a fake AT server in tests, the sandbox for the `sandbox` username), never a
// process-wide setting.
import { z } from 'zod';

export const AT_LIVE_SMS_URL = 'https://api.africastalking.com/version1/messaging';
export const AT_SANDBOX_SMS_URL = 'https://api.sandbox.africastalking.com/version1/messaging';

/** AT's sandbox app is the username `sandbox`: its requests go to the sandbox host. */
export function smsUrlFor(username: string): string {
  return username === 'sandbox' ? AT_SANDBOX_SMS_URL : AT_LIVE_SMS_URL;
}

// AT's answer (HTTP 201): `SMSMessageData.Message` sums it up ("Sent to 1/1 Total Cost: KES 0.8000"),
// `Recipients` has one entry per number with its own statusCode. Fields we do not read are dropped.
const recipientSchema = z.object({
  statusCode: z.number().int(),
  number: z.string(),
  status: z.string(),
  cost: z.string().optional(),
  messageId: z.string().optional(),
});
const responseSchema = z.object({
  SMSMessageData: z.object({
    Message: z.string().default(''),
    Recipients: z.array(recipientSchema).default([]),
  }),
});

export type AtRecipient = z.infer<typeof recipientSchema>;
export type AtSmsResponse = { summary: string; recipients: AtRecipient[] };

export type AtSmsRequest = {
  /** E.164 numbers; AT takes them comma-separated. */
  to: readonly string[];
  message: string;
  /** The short code or sender id; AT's default sender without it. */
  from?: string;
  /** AT queues the messages and answers at once (for large batches). */
  enqueue?: boolean;
};

export type AtSmsClientOptions = {
  username: string;
  apiKey: string;
  /** The deadline of one request, start to last byte. */
  timeoutMs: number;
  /** Overrides the SMS endpoint (a fake AT server in tests); otherwise chosen by `smsUrlFor`. */
  smsUrl?: string;
};

/**
 * A request that got no usable answer. The message never carries the request or AT's body (an error
 * page may echo the message text, and the text may hold a password) nor the API key.
 */
export class AtRequestError extends Error {
  constructor(
    readonly reason: 'timeout' | 'network' | 'http' | 'unreadable',
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'AtRequestError';
  }
}

export class AtSmsClient {
  readonly url: string;

  constructor(private readonly opts: AtSmsClientOptions) {
    this.url = opts.smsUrl ?? smsUrlFor(opts.username);
  }

  /** Resolves with every recipient's status on HTTP 201; throws AtRequestError otherwise. */
  async send(req: AtSmsRequest): Promise<AtSmsResponse> {
    const form = new URLSearchParams({
      username: this.opts.username,
      to: req.to.join(','),
      message: req.message,
      // What AT's own package sends with every bulk message: the sender's account pays.
      bulkSMSMode: '1',
    });
    if (req.from) form.set('from', req.from);
    if (req.enqueue !== undefined) form.set('enqueue', req.enqueue ? '1' : '0');
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    let status: number;
    let body: string;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: {
          apiKey: this.opts.apiKey,
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: form,
        signal,
        redirect: 'error',
      });
      status = res.status;
      // Read whole under the same deadline: a body that trickles in is cut off too.
      body = await res.text();
    } catch (err) {
      if (signal.aborted) {
        throw new AtRequestError('timeout', `timeout after ${this.opts.timeoutMs} ms`);
      }
      throw new AtRequestError('network', describeNetworkError(err));
    }
    // AT answers 201 Created when it took the request; anything else is a whole-request failure.
    if (status !== 201) throw new AtRequestError('http', `HTTP ${status}`, status);
    let parsed: z.infer<typeof responseSchema>;
    try {
      parsed = responseSchema.parse(JSON.parse(body));
    } catch {
      throw new AtRequestError('unreadable', 'HTTP 201 with a body that is not an AT SMS response', 201);
    }
    return { summary: parsed.SMSMessageData.Message, recipients: parsed.SMSMessageData.Recipients };
  }
}

/**
 * fetch says only "fetch failed"; the cause says what happened: `ECONNREFUSED`, `ENOTFOUND`,
 * `UND_ERR_SOCKET other side closed` (the connection was closed without an answer)…
 */
function describeNetworkError(err: unknown): string {
  const e = err as { message?: string; cause?: unknown };
  const cause = (e?.cause ?? err) as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return ['network error:', code, cause?.message ?? e?.message].filter(Boolean).join(' ');
}
