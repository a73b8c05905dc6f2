// Africa's Talking through the official package. The package has no timeout and resolves some failures,
// so every recipient's statusCode is checked: 100/101/102 accepted, 401-409 permanent, the rest retried.
import path from 'node:path';
import africastalking, { type AfricasTalking, type SmsResponse } from 'africastalking';
import atCommon from 'africastalking/lib/common';
import type { OutgoingSms, SendResult, SmsGateway } from './gateway';

const ACCEPTED = new Set([100, 101, 102]);
const isPermanent = (code: number) => code >= 401 && code <= 409;

export type AtGatewayOptions = {
  username: string;
  apiKey: string;
  timeoutMs: number;
  /** Overrides the package's SMS endpoint (a local fake AT server in tests). */
  smsUrl?: string;
};

type AxiosLike = {
  interceptors: { request: { use(fn: (config: { signal?: unknown }) => { signal?: unknown }): number } };
};

let hardTimeoutMs: number | undefined;

/**
 * Gives every request of the package a hard deadline. axios' own `timeout` only fires while the socket is
 * idle, so a response that trickles in would hold the relay; an AbortSignal ends it whatever it does.
 * The package uses the axios copy it resolves itself; the interceptor is installed on that copy, once.
 */
function enforceTimeout(timeoutMs: number): void {
  const first = hardTimeoutMs === undefined;
  hardTimeoutMs = timeoutMs;
  if (!first) return;
  const dir = path.dirname(require.resolve('africastalking'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the package's own copy, resolved from its folder
  const axios = require(require.resolve('axios', { paths: [dir] })) as AxiosLike;
  axios.interceptors.request.use((config) => ({
    ...config,
    signal: config.signal ?? AbortSignal.timeout(hardTimeoutMs as number),
  }));
}

/** A description of a failure that never includes the request (its body carries the message text). */
function describe(err: unknown): { error: string; axios: boolean } {
  const e = err as {
    isAxiosError?: boolean;
    code?: string;
    message?: string;
    response?: { status?: number };
  };
  const axios = e?.isAxiosError === true || e?.code !== undefined;
  // Our deadline aborts the request; axios reports that as a cancellation.
  if (e?.code === 'ERR_CANCELED') return { error: `timeout after ${hardTimeoutMs} ms`, axios };
  const status = e?.response?.status;
  const error = [status ? `HTTP ${status}` : undefined, e?.code, e?.message].filter(Boolean).join(' ');
  return { error: error || 'unknown error', axios };
}

export class AtGateway implements SmsGateway {
  readonly name = 'africastalking' as const;
  private readonly client: AfricasTalking;

  constructor(private readonly opts: AtGatewayOptions) {
    this.client = africastalking({ username: opts.username, apiKey: opts.apiKey });
    enforceTimeout(opts.timeoutMs);
    if (opts.smsUrl) atCommon.SMS_URL = opts.smsUrl;
  }

  async send(sms: OutgoingSms): Promise<SendResult> {
    let response: SmsResponse;
    try {
      response = await this.client.SMS.send({ to: [sms.to], message: sms.text, from: sms.from });
    } catch (err) {
      const { error, axios } = describe(err);
      // Not from the HTTP call: the package's own validation refused the request, and would again.
      return { kind: axios ? 'retry' : 'permanent', error };
    }
    const recipients = response?.SMSMessageData?.Recipients ?? [];
    const mine = recipients.find((r) => r.number === sms.to) ?? recipients[0];
    if (!mine) {
      return {
        kind: 'retry',
        error: `no recipient in response: ${response?.SMSMessageData?.Message ?? ''}`.trim(),
      };
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
