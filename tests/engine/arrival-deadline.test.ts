// The hop deadline counts from the request's arrival, not from when the engine got the hop: under load a
// request waits behind others (parsing, the event loop), and the caller's phone waits all of it. A hop
// that arrives with most of its time gone gets the apology when its time is up, not a late screen.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { UssdEngine } from '../../src/engine/engine';
import { MemorySessionStore } from '../../src/engine/memory-session-store';
import { MenuRuntime } from '../../src/engine/menu-runtime';
import { createTestMachine, TestServices } from './machine-app';

const DEADLINE = 300;

/** The test machine whose Count call takes `ms`. */
function slowCounting(ms: number) {
  const services = new TestServices();
  const count = services.count.bind(services);
  services.count = async (phone) => {
    await new Promise((r) => setTimeout(r, ms));
    return count(phone);
  };
  return new UssdEngine(new MemorySessionStore(), new MenuRuntime(createTestMachine(services), ['lang']), {
    sessionTtlSeconds: 180,
    resumeWindowSeconds: 0,
    hopDeadlineMs: DEADLINE,
    screenLimit: { default: 160, byNetwork: {} },
    globals: { code: '*384*22262#', sms: '22262' },
    inputDigestKey: randomBytes(32),
  });
}

const log = pino({ level: 'silent' });
const hop = (text: string) => ({ sessionId: 'arrival-1', phoneNumber: '+254711000001', text });

test('a hop that arrived 250 ms ago has 50 ms left: a 150 ms call is cut short with the apology', async () => {
  const engine = slowCounting(150);
  expect((await engine.handleHop(hop(''), log)).kind).toBe('CON');
  const started = performance.now();
  const late = await engine.handleHop(hop('1'), log, Date.now() - 250);
  const ms = performance.now() - started;
  expect(late).toMatchObject({ kind: 'END', outcome: 'timeout' });
  expect(ms).toBeLessThan(140); // answered when its time was up, before the call would have ended
});

test('the same hop arriving now has its whole deadline and is answered', async () => {
  const engine = slowCounting(150);
  await engine.handleHop({ ...hop(''), sessionId: 'arrival-2' }, log);
  const answer = await engine.handleHop({ ...hop('1'), sessionId: 'arrival-2' }, log, Date.now());
  expect(answer).toMatchObject({ kind: 'CON', text: expect.stringContaining('Counted 1') as unknown });
});
