// A phone on a USSD session, for journey tests: dial, type, and read the screen, through POST /ussd
// exactly as Africa's Talking calls it (form-encoded, `text` accumulated with '*').
import { randomUUID } from 'node:crypto';
import { displayPhone } from '../../src/domain/phone';

export type Screen = { kind: 'CON' | 'END'; text: string; status: number };

export class UssdPhone {
  readonly inputs: string[] = [];
  sessionId = randomUUID();
  last: Screen = { kind: 'END', text: '', status: 0 };

  constructor(
    private readonly baseUrl: string,
    readonly phoneNumber = '+254711000001',
    private readonly opts: { networkCode?: string; serviceCode?: string; query?: string } = {},
  ) {}

  /** The number as screens show it (`0712 345 678`). */
  get shownNumber(): string {
    return displayPhone(this.phoneNumber);
  }

  get text(): string {
    return this.inputs.join('*');
  }

  /** Posts one hop with the given accumulated text (exposed for duplicate/concurrent hop tests). */
  async hop(text: string, sessionId = this.sessionId): Promise<Screen> {
    const res = await fetch(`${this.baseUrl}/ussd${this.opts.query ?? ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        sessionId,
        serviceCode: this.opts.serviceCode ?? '*384*22262#',
        phoneNumber: this.phoneNumber,
        networkCode: this.opts.networkCode ?? '63902',
        text,
      }).toString(),
    });
    const body = await res.text();
    const kind = body.startsWith('CON ') ? 'CON' : 'END';
    return { kind, text: body.slice(4), status: res.status };
  }

  /** A new session: dial the code (optionally with direct-dial parts, `*384*22262*1*2#`). */
  async dial(...direct: string[]): Promise<Screen> {
    this.sessionId = randomUUID();
    this.inputs.length = 0;
    this.inputs.push(...direct);
    this.last = await this.hop(this.text);
    return this.last;
  }

  /** Dials and, when an unfinished journey is offered for resume, chooses "Start again". */
  async dialFresh(): Promise<Screen> {
    const first = await this.dial();
    return first.text.includes('Start again') ? this.choose('Start again') : first;
  }

  /** Types one entry and sends it, as the next hop of this session. */
  async send(input: string): Promise<Screen> {
    this.inputs.push(input);
    this.last = await this.hop(this.text);
    return this.last;
  }

  /** Sends several entries, one hop each. */
  async sendAll(...inputs: string[]): Promise<Screen> {
    for (const i of inputs) await this.send(i);
    return this.last;
  }

  /** The option number whose label contains `label` on the current screen. */
  optionFor(label: string): string {
    const line = this.last.text.split('\n').find((l) => /^\d+\. /.test(l) && l.includes(label));
    if (!line) throw new Error(`no option "${label}" on screen:\n${this.last.text}`);
    return line.split('.')[0] as string;
  }

  /** Pages on with 98 until the option shows, then chooses it. */
  async chooseOnAnyPage(label: string): Promise<Screen> {
    while (!this.last.text.split('\n').some((l) => /^\d+\. /.test(l) && l.includes(label))) {
      if (!this.last.text.includes('98 More')) throw new Error(`no option "${label}" on any page`);
      await this.send('98');
    }
    return this.choose(label);
  }

  /** Chooses the option whose label contains `label`. */
  choose(label: string): Promise<Screen> {
    return this.send(this.optionFor(label));
  }
}

/** Checks every screen rule a user relies on: the length limit and GSM-7 only. */
export function expectFits(screen: Screen, limit = 160): void {
  expect(screen.text.length).toBeLessThanOrEqual(limit);
  expect(screen.text).toMatch(/^[\n\r -~£¥èéùìòÇØøÅåÆæßÉÄÖÑÜäöñüà§¿¡]*$/);
}

/** A valid Kenyan mobile number no other test uses (test files share one Redis and may run at once). */
export function randomPhone(): string {
  return `+2547${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}
