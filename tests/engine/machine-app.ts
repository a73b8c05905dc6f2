// Test support for the engine suites (not a test file): serves any menu machine through the real engine
// and Koa app on a random port, and a small test machine that obeys menus/screen.ts with the features the
// main menu does not have yet (free text, a secret, a long list, a service that counts its calls).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { assign, fromPromise, setup, type AnyStateMachine } from 'xstate';
import type { AnyScreenSpec as ScreenSpec, BaseContext, MenuInput, ScreenMeta } from '../../menus/screen';
import { loadConfig, type Config } from '../../src/config';
import { UssdEngine } from '../../src/engine/engine';
import { MemorySessionStore } from '../../src/engine/memory-session-store';
import { MenuRuntime } from '../../src/engine/menu-runtime';
import { RedisSessionStore } from '../../src/engine/redis-session-store';
import type { SessionStore } from '../../src/engine/session-store';
import { createApp } from '../../src/http/app';
import type { Probe } from '../../src/http/routes/health';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';

export type MachineApp = {
  url: string;
  store: SessionStore;
  config: Config;
  logs: string[];
  close: () => Promise<void>;
};

export async function startMachineApp(opts: {
  machine: AnyStateMachine | Record<string, AnyStateMachine>;
  sticky?: readonly string[];
  store: 'redis' | 'memory' | SessionStore;
  env?: Record<string, string>;
  probes?: Probe[];
}): Promise<MachineApp> {
  const config = loadConfig({ LOG_LEVEL: 'debug', ...opts.env });
  const store: SessionStore =
    typeof opts.store === 'object'
      ? opts.store
      : opts.store === 'redis'
        ? await RedisSessionStore.connect(process.env.REDIS_URL as string)
        : new MemorySessionStore();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const engine = new UssdEngine(store, new MenuRuntime(opts.machine, opts.sticky ?? ['lang']), {
    sessionTtlSeconds: config.sessionTtlSeconds,
    resumeWindowSeconds: config.resumeWindowSeconds,
    hopDeadlineMs: config.hopDeadlineMs,
    screenLimit: config.screenLimit,
    globals: { code: config.ussdServiceCode, sms: config.smsSender },
    inputDigestKey: randomBytes(32),
  });
  const app = createApp({
    log: createLogger(config.logLevel, sink),
    metrics: createMetrics(),
    engine,
    webhookToken: config.webhookToken,
    probes: opts.probes ?? [{ name: 'sessions', check: () => store.ping() }],
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    config,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
    },
  };
}

export const COUNTIES = [
  'Mombasa', 'Kwale', 'Kilifi', 'Tana River', 'Lamu', 'Taita-Taveta', 'Garissa', 'Wajir', 'Mandera',
  'Marsabit', 'Isiolo', 'Meru', 'Tharaka-Nithi', 'Embu', 'Kitui', 'Machakos', 'Makueni', 'Nyandarua',
  'Nyeri', 'Kirinyaga', "Murang'a", 'Kiambu', 'Turkana', 'West Pokot', 'Samburu', 'Trans-Nzoia',
  'Uasin Gishu', 'Elgeyo-Marakwet', 'Nandi', 'Baringo', 'Laikipia', 'Nakuru', 'Narok', 'Kajiado',
  'Kericho', 'Bomet', 'Kakamega', 'Vihiga', 'Bungoma', 'Busia', 'Siaya', 'Kisumu', 'Homa Bay', 'Migori',
  'Kisii', 'Nyamira', 'Nairobi',
]; // prettier-ignore

/** What the test machine's services saw: calls per phone, and every PIN that reached the machine. */
export class TestServices {
  readonly counts = new Map<string, number>();
  readonly pins: string[] = [];

  async count(phone: string): Promise<number> {
    const n = (this.counts.get(phone) ?? 0) + 1;
    this.counts.set(phone, n);
    return n;
  }

  async verify(pin: string): Promise<void> {
    this.pins.push(pin);
  }
}

type Ctx = BaseContext & { count: number; name?: string; county?: string };
type Events =
  | { type: 'COUNT' }
  | { type: 'NAME' }
  | { type: 'PIN' }
  | { type: 'COUNTIES' }
  | { type: 'PICK'; county: string }
  | { type: 'INPUT'; value: string };

const screen = (s: ScreenSpec | ((c: Ctx) => ScreenSpec)): ScreenMeta<Ctx, string> => ({
  screen: s,
});
const lit = (literal: string) => ({ literal });

/**
 * home: 1 Count (a service call per choice), 2 Name (free text), 3 PIN (a secret), 4 Counties (47 options).
 */
export function createTestMachine(services: TestServices) {
  return setup({
    types: { context: {} as Ctx, input: {} as MenuInput, events: {} as Events },
    actors: {
      count: fromPromise(({ input }: { input: { phone: string } }) => services.count(input.phone)),
      verify: fromPromise(({ input }: { input: { pin: string } }) => services.verify(input.pin)),
    },
  }).createMachine({
    id: 'test',
    context: ({ input }) => ({ phone: input.phone, lang: input.lang === 'sw' ? 'sw' : 'en', count: 0 }),
    initial: 'home',
    states: {
      home: {
        meta: screen({
          id: 'home',
          text: lit('Test home'),
          home: true,
          options: [
            { label: lit('Count'), event: { type: 'COUNT' } },
            { label: lit('Name'), event: { type: 'NAME' } },
            { label: lit('PIN'), event: { type: 'PIN' } },
            { label: lit('Counties'), event: { type: 'COUNTIES' } },
          ],
        }),
        on: { COUNT: 'counting', NAME: 'name', PIN: 'pin', COUNTIES: 'counties' },
      },
      counting: {
        invoke: {
          src: 'count',
          input: ({ context }) => ({ phone: context.phone }),
          onDone: { target: 'counted', actions: assign({ count: ({ event }) => event.output }) },
        },
      },
      counted: {
        meta: screen((c) => ({
          id: 'counted',
          text: lit(`Counted ${c.count}`),
          options: [{ label: lit('Again'), event: { type: 'COUNT' } }],
        })),
        on: { COUNT: 'counting' },
      },
      name: {
        meta: screen({
          id: 'name',
          text: lit('Enter your address'),
          input: { kind: 'text', min: 1, max: 60 },
        }),
        on: { INPUT: { target: 'named', actions: assign({ name: ({ event }) => event.value }) } },
      },
      named: {
        meta: screen((c) => ({ id: 'named', text: lit(`You typed: ${c.name}`) })),
      },
      pin: {
        meta: screen({
          id: 'pin',
          text: lit('Enter your PIN'),
          history: false,
          input: { kind: 'digits', min: 4, max: 8, secret: true },
        }),
        on: { INPUT: 'verifying' },
      },
      verifying: {
        invoke: {
          src: 'verify',
          input: ({ event }) => ({ pin: (event as { value: string }).value }),
          onDone: 'welcome',
        },
      },
      welcome: {
        meta: screen({
          id: 'welcome',
          text: lit('PIN accepted'),
          options: [{ label: lit('Count'), event: { type: 'COUNT' } }],
        }),
        on: { COUNT: 'counting' },
      },
      counties: {
        meta: screen({
          id: 'counties',
          text: lit('Choose county'),
          options: COUNTIES.map((county) => ({ label: lit(county), event: { type: 'PICK', county } })),
        }),
        on: { PICK: { target: 'picked', actions: assign({ county: ({ event }) => event.county }) } },
      },
      picked: {
        meta: screen((c) => ({ id: 'picked', text: lit(`County: ${c.county}`) })),
      },
    },
  });
}
