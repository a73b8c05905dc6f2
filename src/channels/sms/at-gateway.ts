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

/** The axios instance the package itself requires, so that its requests get a timeout. */
function packageAxios(): { defaults: { timeout?: number } } {
  const dir = path.dirname(require.resolve('africastalking'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the package's own copy, resolved from its folder
  return require(require.resolve('axios', { paths: [dir] })) as { defaults: { timeout?: number } };
}

/** A description of a failure that never includes the request (its body carries the message text). */
function describe(err: unknown): { error: string; status?: number } {
  const e = err as { code?: string; message?: string; response?: { status?: number } };
  const status = e?.response?.status;
  const error = [status ? `HTTP ${status}` : undefined, e?.code, e?.message].filter(Boolean).join(' ');
  return { error: error || 'unknown error', status };
}

export class AtGateway implements SmsGateway {
  readonly name = 'africastalking' as const;
  private readonly client: AfricasTalking;

  constructor(private readonly opts: AtGatewayOptions) {
    this.client = africastalking({ username: opts.username, apiKey: opts.apiKey });
    packageAxios().defaults.timeout = opts.timeoutMs;
    if (opts.smsUrl) atCommon.SMS_URL = opts.smsUrl;
  }

  async send(sms: OutgoingSms): Promise<SendResult> {
    let response: SmsResponse;
    try {
      response = await this.client.SMS.send({ to: [sms.to], message: sms.text, from: sms.from });
    } catch (err) {
      const { error, status } = describe(err);
      // The package's own validation (e.g. a number it refuses) will not pass on a retry either.
      if (!status && err instanceof Error && /phone number|is required/.test(err.message)) {
        return { kind: 'permanent', error };
      }
      return { kind: 'retry', error };
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
