// What a caller sees after the session store misbehaves while the service runs: a frozen Redis (a long
// command, a paused server, a stalled network) and a Redis that lost its data. Each test has a Redis of
// its own (dedicated-redis.ts): the shared one must not be paused or flushed.
import { setTimeout as sleep } from 'node:timers/promises';
import { MemorySessionStore } from '../../src/engine/memory-session-store';
import { RedisSessionStore } from '../../src/engine/redis-session-store';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';
import { describeWithRedisServer, startDedicatedRedis, type DedicatedRedis } from './dedicated-redis';
import { TestServices, createTestMachine, startMachineApp, type MachineApp } from './machine-app';

const EXPIRED = 'Session expired, please dial *384*22262# again.';
const APOLOGY = 'Sorry, we could not complete your request. Please dial *384*22262# again shortly.';

describeWithRedisServer('Redis freezes for 3 s in the middle of a session', () => {
  let redis: DedicatedRedis;
  let app: MachineApp;
  beforeAll(async () => {
    redis = await startDedicatedRedis();
    const store = await RedisSessionStore.connect(redis.url);
    app = await startMachineApp({ machine: createTestMachine(new TestServices()), store });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  test('the hop during the freeze gets the apology; the next hop once Redis answers is served, not "busy"', async () => {
    const phone = new UssdPhone(app.url, randomPhone());
    expect((await phone.dial()).text.startsWith('Test home')).toBe(true);

    // Every client's commands wait 3 s; ours time out, but Redis runs them when it wakes up, so the
    // hop's lock is taken then by a hop that has long since answered.
    await redis.control.call('CLIENT', 'PAUSE', '3000', 'ALL');
    const during = await phone.send('1');
    expect(during).toEqual({ status: 200, kind: 'END', text: APOLOGY });

    await redis.control.ping(); // answers once the pause is over
    const started = performance.now();
    const after = await phone.hop(phone.text); // the same entry again
    expect(after).toMatchObject({ status: 200, kind: 'CON' });
    expect(after.text.startsWith('Counted 1')).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describeWithRedisServer(
  'Redis loses its data in the middle of a session (FLUSHALL, a restart without persistence)',
  () => {
    let redis: DedicatedRedis;
    beforeEach(async () => {
      redis = await startDedicatedRedis();
    });
    afterEach(async () => {
      await redis?.stop();
    });

    const machineApp = async (env: Record<string, string> = {}) =>
      startMachineApp({
        machine: createTestMachine(new TestServices()),
        store: await RedisSessionStore.connect(redis.url),
        env,
      });

    describe('with the real journeys', () => {
      let app: TestApp;
      beforeEach(async () => {
        app = await startTestApp({ store: await RedisSessionStore.connect(redis.url), relay: false });
      });
      afterEach(async () => {
        await app?.close();
      });

      test("the next hop ('1*1') is 'Session expired', not replayed from the main menu (no account is made)", async () => {
        const phone = new UssdPhone(app.url, randomPhone());
        await phone.dial();
        expect((await phone.choose('Create account')).text).toContain('Create a CP2 account for');
        await redis.control.flushall();

        const s = await phone.send('1'); // AT sends '1*1'
        expect(s).toEqual({ status: 200, kind: 'END', text: EXPIRED });
        expect(await app.db('accounts').where({ phone: phone.phoneNumber }).first()).toBeUndefined();

        // A new dial is served as usual; a direct dial, for now, is not (it may be a lost session).
        expect((await phone.dial()).text).toContain('Welcome to CP2 Exam Council');
        expect(await phone.dial('1', '1')).toEqual({ status: 200, kind: 'END', text: EXPIRED });
        expect(await app.db('accounts').where({ phone: phone.phoneNumber }).first()).toBeUndefined();
      });
    });

    test('direct dials are served again one session lifetime after the loss', async () => {
      const app = await machineApp({ SESSION_TTL_SECONDS: '10' });
      try {
        const phone = new UssdPhone(app.url, randomPhone());
        await phone.dial();
        await redis.control.flushall();
        expect(await phone.send('1')).toMatchObject({ kind: 'END', text: EXPIRED });
        expect(await phone.dial('1')).toMatchObject({ kind: 'END', text: EXPIRED });
        await sleep(10_000);
        const later = await phone.dial('1');
        expect(later.kind).toBe('CON');
        expect(later.text.startsWith('Counted 1')).toBe(true);
      } finally {
        await app.close();
      }
    }, 30_000);

    test('two instances: once one has seen the loss, the other refuses text of unknown sessions too', async () => {
      const [a, b] = [await machineApp(), await machineApp()];
      try {
        const onA = new UssdPhone(a.url, randomPhone());
        const onB = new UssdPhone(b.url, randomPhone());
        await onA.dial();
        await onB.dial();
        await redis.control.flushall();
        expect(await onA.send('1')).toMatchObject({ kind: 'END', text: EXPIRED });
        expect(await onB.send('1')).toMatchObject({ kind: 'END', text: EXPIRED });
        // A third instance, started after the loss was seen (it never saw the store before), does not replay either.
        const c = await machineApp();
        try {
          expect(await new UssdPhone(c.url, randomPhone()).dial('1')).toMatchObject({
            kind: 'END',
            text: EXPIRED,
          });
        } finally {
          await c.close();
        }
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('the first start on an empty store is not a loss: a direct dial as the very first hop is served', async () => {
      const app = await machineApp();
      try {
        const s = await new UssdPhone(app.url, randomPhone()).dial('1');
        expect(s.kind).toBe('CON');
        expect(s.text.startsWith('Counted 1')).toBe(true);
      } finally {
        await app.close();
      }
    });
  },
);

test('the in-process store starts empty with its process and never loses data while it runs: a first direct dial is served', async () => {
  const app = await startMachineApp({
    machine: createTestMachine(new TestServices()),
    store: new MemorySessionStore(),
  });
  try {
    const s = await new UssdPhone(app.url, randomPhone()).dial('1');
    expect(s.text.startsWith('Counted 1')).toBe(true);
  } finally {
    await app.close();
  }
});
