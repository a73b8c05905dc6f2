// What a caller sees after the session store misbehaves while the service runs: a frozen Redis (a long
// command, a paused server, a stalled network) and a Redis that lost its data. Each test has a Redis of
// its own (dedicated-redis.ts): the shared one must not be paused or flushed.
import { RedisSessionStore } from '../../src/engine/redis-session-store';
import { UssdPhone, randomPhone } from '../support/ussd-phone';
import { describeWithRedisServer, startDedicatedRedis, type DedicatedRedis } from './dedicated-redis';
import { TestServices, createTestMachine, startMachineApp, type MachineApp } from './machine-app';

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
