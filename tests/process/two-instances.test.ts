// Two instances of the service on one Postgres database and one Redis, each with its own relay, as a
// deployment behind a load balancer runs them: a USSD session whose hops alternate between the two sees
// exactly what it sees on one instance, and every queued SMS goes to AT once, whichever relay takes it.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { enqueueSms } from '../../src/domain/outbox';
import { reply, startFakeAt, type FakeAt } from '../support/fake-at';
import { passwordIn } from '../support/sms';
import { describeWithRedis, startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone, type Screen } from '../support/ussd-phone';
import { displayPhone } from '../../src/domain/phone';

jest.setTimeout(60_000);

/** A phone whose hops go to the given instances in turn, continuing across sessions. */
class RoundRobinPhone {
  private readonly phones: UssdPhone[];
  private hops = 0;
  private sessionId = randomUUID();
  private inputs: string[] = [];
  last: Screen = { kind: 'END', text: '', status: 0 };

  constructor(urls: string[], number: string) {
    this.phones = urls.map((u) => new UssdPhone(u, number));
  }

  private async hop(): Promise<Screen> {
    const phone = this.phones[this.hops++ % this.phones.length] as UssdPhone;
    this.last = await phone.hop(this.inputs.join('*'), this.sessionId);
    return this.last;
  }

  dial(): Promise<Screen> {
    this.sessionId = randomUUID();
    this.inputs = [];
    return this.hop();
  }

  /** AT sending the same hop again (it does): here it reaches the other instance. */
  repeat(): Promise<Screen> {
    return this.hop();
  }

  send(input: string): Promise<Screen> {
    this.inputs.push(input);
    return this.hop();
  }

  /** Chooses the option whose label contains `label`, paging on with 98 until it shows. */
  async choose(label: string, seen: (s: Screen) => void = () => undefined): Promise<Screen> {
    const option = () => this.last.text.split('\n').find((l) => /^\d+\. /.test(l) && l.includes(label));
    while (!option()) {
      if (!/^98 /m.test(this.last.text)) throw new Error(`no option "${label}":\n${this.last.text}`);
      seen(await this.send('98'));
    }
    return this.send((option() as string).split('.')[0] as string);
  }
}

describeWithRedis('two service instances on one Postgres and one Redis', () => {
  let fake: FakeAt;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    fake = await startFakeAt();
    // Both send through the fake AT server, so every SMS either relay sends is seen in one place.
    const env = {
      SMS_GATEWAY: 'africastalking',
      AT_USERNAME: 'cp2council',
      AT_API_KEY: 'atsk_two_instances',
      AT_SMS_URL: fake.smsUrl,
    };
    a = await startTestApp({ store: 'redis', env });
    b = await startTestApp({ store: 'redis', env, sameDatabaseAs: a });
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await fake?.close();
  });

  /** The password in the credentials SMS AT was asked to send to `number`. */
  async function passwordSentTo(number: string): Promise<string> {
    const until = Date.now() + 10_000;
    for (;;) {
      const sms = fake.requests.find((r) => r.to === number && r.message?.includes('Password'));
      if (sms) return passwordIn(sms.message ?? '');
      if (Date.now() > until) throw new Error(`no credentials SMS to ${number}`);
      await sleep(20);
    }
  }

  /**
   * Create an account, then log in with the password from the SMS (one wrong try first), look at the
   * profile, go home, switch to Kiswahili and open Help (on the menu's second page); two hops arrive
   * twice, as AT resends them. Returns every screen, the number written as <phone> so that two phones'
   * walks compare.
   */
  async function walk(urls: string[]): Promise<string[]> {
    const number = randomPhone();
    const phone = new RoundRobinPhone(urls, number);
    const screens: Screen[] = [];
    const seen = (s: Screen) => void screens.push(s);
    const see = async (s: Promise<Screen>) => seen(await s);

    await see(phone.dial());
    await see(phone.choose('Create account'));
    await see(phone.repeat());
    await see(phone.choose('Confirm'));
    const password = await passwordSentTo(number);
    const wrong = password === '135792' ? '246813' : '135792';

    await see(phone.dial());
    await see(phone.choose('My profile'));
    await see(phone.send(wrong));
    await see(phone.repeat());
    await see(phone.send(password));
    await see(phone.send('00'));
    await see(phone.choose('Language/Lugha', seen));
    await see(phone.choose('Kiswahili'));
    await see(phone.choose('Msaada', seen));

    const shown = displayPhone(number);
    return screens.map((s) => `${s.status} ${s.kind} ${s.text.replaceAll(shown, '<phone>')}`);
  }

  test('a session whose hops alternate between the two instances sees the same screens as on one', async () => {
    const one = await walk([a.url]);
    const alternating = await walk([a.url, b.url]);

    expect(alternating).toEqual(one);
    // The walk got where it meant to: the account was made, the password from the SMS logged in, and
    // the language chosen on one instance was used by the other.
    expect(one[2]).toBe(one[1]); // a repeated hop shows the same screen again
    expect(one[3]).toContain('Your login details have been sent by SMS to <phone>');
    expect(one[6]).toContain('Wrong password. 4 attempts left.');
    expect(one[7]).toBe(one[6]); // and is not a second wrong password
    expect(one[8]).toContain('My profile:');
    expect(one[11]).toContain('Lugha imewekwa kuwa Kiswahili.');
    expect(one.at(-1)).toMatch(/^200 CON CP2 - Baraza la Mitihani\. Piga \*384\*22262#/);
  });

  test('with both relays running, 200 queued SMS are each sent to AT exactly once', async () => {
    const COUNT = 200;
    const sentBy = async (app: TestApp) =>
      (await app.metrics.smsOutbound.get()).values.find((v) => v.labels.result === 'sent')?.value ?? 0;
    const before = [await sentBy(a), await sentBy(b)];
    // A little latency per send, as AT has, so that the two relays work side by side.
    fake.respondByDefault(reply.success({ delayMs: 5 }));
    const numbers = Array.from({ length: COUNT }, (_, i) => `+2547140${String(i).padStart(5, '0')}`);
    await a.db.transaction(async (trx) => {
      for (const to of numbers) {
        await enqueueSms(trx, { to, template: 'sms.help', lang: 'en', params: { code: '*384*22262#' } });
      }
    });

    await fake.waitForRequests(COUNT, 30_000);
    const outstanding = async () =>
      Number(
        (
          (await a
            .db('outbound_sms')
            .whereIn('status', ['pending', 'sending'])
            .first(a.db.raw('count(*)::int as n'))) as { n: number }
        ).n,
      );
    const until = Date.now() + 10_000;
    while ((await outstanding()) > 0 && Date.now() < until) await sleep(25);
    // Time for a second send of any message to show, were one coming.
    await sleep(300);

    const sentTo = fake.requests.map((r) => r.to).sort();
    const twice = sentTo.filter((to, i) => to === sentTo[i - 1]);
    expect(twice).toEqual([]);
    expect(sentTo).toEqual(numbers);
    expect(await outstanding()).toBe(0);

    const sent = [(await sentBy(a)) - before[0]!, (await sentBy(b)) - before[1]!];
    expect(sent[0]! + sent[1]!).toBe(COUNT);
    // Both relays took part: the test is about two of them, not one doing all the work.
    expect(sent[0]).toBeGreaterThan(0);
    expect(sent[1]).toBeGreaterThan(0);
  });
});
