// Deploy-safe sessions: a session saved by one version of the journeys and continued by another, as
// happens to everyone mid-journey during a deploy. Two apps share one Redis; the second runs the test
// machine with a state renamed. The caller must never get the apology, nor be offered a journey the new
// code cannot continue.
import { createMachine, type AnyStateMachine } from 'xstate';
import { readRecord } from '../../src/engine/session-record';
import { keys } from '../../src/engine/session-store';
import { describeWithRedis } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';
import { TestServices, createTestMachine, startMachineApp, type MachineApp } from './machine-app';

const UPDATED = 'The service was updated, so you are back at the start.';
const APOLOGY = 'Sorry, we could not complete your request';

/** The test machine after a deploy that renamed its `name` state to `address`. */
function withNameRenamed(v1: AnyStateMachine): AnyStateMachine {
  const config = v1.config as { states: Record<string, { on?: Record<string, unknown> }> };
  const { name, ...others } = config.states;
  const states = {
    ...others,
    home: { ...others.home, on: { ...others.home?.on, NAME: 'address' } },
    address: name,
  };
  return createMachine({ ...v1.config, states } as never, v1.implementations as never);
}

describeWithRedis('a session saved before a deploy, continued after it', () => {
  let before: MachineApp;
  let after: MachineApp;
  let same: MachineApp;
  beforeAll(async () => {
    const v1 = createTestMachine(new TestServices());
    before = await startMachineApp({ machine: v1, store: 'redis' });
    after = await startMachineApp({
      machine: withNameRenamed(createTestMachine(new TestServices())),
      store: 'redis',
    });
    // Another instance of the same code: nothing changed, nothing may restart.
    same = await startMachineApp({ machine: createTestMachine(new TestServices()), store: 'redis' });
  });
  afterAll(async () => {
    await before.close();
    await after.close();
    await same.close();
  });

  /** The same caller and session, reaching another instance. */
  const on = (app: MachineApp, phone: UssdPhone) => {
    const other = new UssdPhone(app.url, phone.phoneNumber);
    other.sessionId = phone.sessionId;
    other.inputs.push(...phone.inputs);
    return other;
  };

  test('a session in a renamed state starts again on the home screen with a one-line notice', async () => {
    const phone = new UssdPhone(before.url, randomPhone());
    await phone.dial();
    expect((await phone.choose('Name')).text).toContain('Enter your address');
    const moved = on(after, phone);
    const screen = await moved.send('Nairobi');
    expect(screen.kind).toBe('CON');
    expect(screen.text).not.toContain(APOLOGY);
    expect(screen.text.split('\n')[0]).toBe(UPDATED);
    expect(screen.text).toContain('Test home');
    // The session goes on under the new code, from the screen it was given.
    expect((await moved.choose('Name')).text).toContain('Enter your address');
    expect((await moved.send('Mombasa')).text.split('\n')[0]).toBe('You typed: Mombasa');
    // What the new code saved is its own: the record is current again.
    const raw = await after.store.get(keys.session(phone.sessionId));
    expect(raw && readRecord(raw).kind).toBe('current');
  });

  test('a repeated hop after the restart gets the same answer, not a second restart', async () => {
    const phone = new UssdPhone(before.url, randomPhone());
    await phone.dial();
    await phone.choose('Name');
    const moved = on(after, phone);
    const first = await moved.send('Nairobi');
    const again = await moved.hop(moved.text);
    expect(again.text).toBe(first.text);
  });

  test('a journey dropped before the deploy is not offered for resume after it', async () => {
    const phone = new UssdPhone(before.url, randomPhone());
    await phone.dial();
    await phone.choose('Name'); // and the caller hangs up here
    // Under the code that saved it, the dropped journey is offered (what the next check relies on)...
    expect((await on(same, phone).dial()).text).toContain('Continue where you left off');
    // ...under the new code it is not: the caller gets the home screen, never an offer that would fail.
    const redial = await on(after, phone).dial();
    expect(redial.kind).toBe('CON');
    expect(redial.text).not.toContain('Continue where you left off');
    expect(redial.text).toContain('Test home');
  });

  test('another instance of the same code continues the session where it is', async () => {
    const phone = new UssdPhone(before.url, randomPhone());
    await phone.dial();
    await phone.choose('Name');
    const moved = on(same, phone);
    expect((await moved.send('Nairobi')).text.split('\n')[0]).toBe('You typed: Nairobi');
  });

  test('a record that is not one this code can read (older format, damaged) restarts kindly too', async () => {
    const phone = new UssdPhone(before.url, randomPhone());
    await phone.dial();
    await phone.choose('Name');
    const key = keys.session(phone.sessionId);
    const raw = await before.store.get(key);
    const old = { ...JSON.parse(raw as string), v: 1 };
    await before.store.write([{ key, value: JSON.stringify(old), ttlSeconds: 60 }]);
    const screen = await phone.send('Nairobi');
    expect(screen.text.split('\n')[0]).toBe(UPDATED);
    await before.store.write([{ key, value: '{"not": "a record"', ttlSeconds: 60 }]);
    const damaged = await phone.send('1');
    expect(damaged.kind).toBe('CON');
    expect(damaged.text.split('\n')[0]).toBe(UPDATED);
  });
});

describe('readRecord', () => {
  test('reads what is not a current record as stale, keeping what it can', () => {
    expect(readRecord('nonsense').kind).toBe('stale');
    expect(readRecord('[]').kind).toBe('stale');
    const old = readRecord(
      JSON.stringify({ v: 1, phone: '+254711000001', snapshot: { state: { context: { lang: 'sw' } } } }),
    );
    expect(old).toMatchObject({ kind: 'stale', phone: '+254711000001', lang: 'sw' });
  });
});
