// Restores a menu machine from its persisted snapshot, feeds it one event, waits for it to settle on a
// screen (invoked domain calls finish first) and persists it again. A snapshot is only ever taken at
// rest, so no in-flight call (and no password passed to one) is ever part of it.
import { createActor, waitFor, type AnyMachineSnapshot, type AnyStateMachine, type Snapshot } from 'xstate';
import type { BaseContext, MenuEvent, MenuInput, ScreenSpec } from '../../menus/screen';

export type Persisted = { context: Record<string, unknown> } & Record<string, unknown>;

export type Live = { persisted: Persisted; snapshot: AnyMachineSnapshot };

export class MenuError extends Error {}

export class MenuRuntime {
  constructor(
    private readonly machine: AnyStateMachine,
    /** Context keys that survive Back and Home (language, who is logged in). */
    private readonly sticky: readonly string[],
  ) {}

  restore(persisted: Persisted): Live {
    const actor = createActor(this.machine, { snapshot: persisted as unknown as Snapshot<unknown> });
    return { persisted, snapshot: actor.getSnapshot() };
  }

  start(input: MenuInput, timeoutMs: number): Promise<Live> {
    return this.run(createActor(this.machine, { input }), undefined, timeoutMs);
  }

  send(from: Live, event: MenuEvent, timeoutMs: number): Promise<Live> {
    return this.run(
      createActor(this.machine, { snapshot: from.persisted as unknown as Snapshot<unknown> }),
      event,
      timeoutMs,
    );
  }

  /** A previous screen's snapshot, carrying the current sticky context forward. */
  backTo(previous: Persisted, current: Live): Live {
    return this.restore({ ...previous, context: { ...previous.context, ...this.carry(current) } });
  }

  carry(live: Live): Record<string, unknown> {
    const ctx = live.snapshot.context as Record<string, unknown>;
    return Object.fromEntries(this.sticky.filter((k) => k in ctx).map((k) => [k, ctx[k]]));
  }

  context(live: Live): BaseContext & Record<string, unknown> {
    return live.snapshot.context as BaseContext & Record<string, unknown>;
  }

  screen(live: Live): ScreenSpec {
    const screen = screenOf(live.snapshot);
    if (!screen) throw new MenuError(`state ${JSON.stringify(live.snapshot.value)} has no screen`);
    return screen;
  }

  private async run(
    actor: ReturnType<typeof createActor<AnyStateMachine>>,
    event: MenuEvent | undefined,
    timeoutMs: number,
  ): Promise<Live> {
    // Without an error observer XState rethrows a failed invoke asynchronously and kills the process.
    actor.subscribe({ error: () => undefined });
    actor.start();
    if (event) actor.send(event);
    try {
      const snapshot = await waitFor(actor, (s) => s.status !== 'active' || screenOf(s) !== undefined, {
        timeout: Math.max(timeoutMs, 1),
      });
      if (snapshot.status === 'error') throw snapshot.error;
      return { persisted: actor.getPersistedSnapshot() as unknown as Persisted, snapshot };
    } finally {
      actor.stop();
    }
  }
}

/** The screen of the deepest active state that declares one. */
export function screenOf(snapshot: AnyMachineSnapshot): ScreenSpec | undefined {
  let found: ScreenSpec | undefined;
  for (const meta of Object.values(snapshot.getMeta() as Record<string, { screen?: unknown }>)) {
    const s = meta?.screen;
    if (typeof s === 'function') found = (s as (c: unknown) => ScreenSpec)(snapshot.context);
    else if (s) found = s as ScreenSpec;
  }
  return found;
}
