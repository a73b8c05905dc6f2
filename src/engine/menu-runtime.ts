// Runs the menu journeys. Each journey is its own XState machine; a journey that finishes with
// `output.next` hands over to the next journey (carrying sticky context such as the language and the
// login). A snapshot is only taken at rest, after invoked domain calls have settled, so no in-flight call
// (and no password passed to one) is ever part of it.
//
// No actor is created per hop: the machine's own `transition` moves it, in a scope made once per machine,
// and the runtime itself runs the domain calls the machine invokes (promise logic only: menus invoke
// nothing else) and feeds their results back as XState's own done/error events. An actor per hop
// (created, started, stopped, its snapshot persisted) was the largest part of the engine's CPU
// (docs/performance.md). XState's exported `transition` would not help: it creates an actor per call.
import { createHash } from 'node:crypto';
import {
  StateMachine,
  createActor,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
  type SnapshotStatus,
  type StateValue,
} from 'xstate';
import { DeadlineExceeded } from '../db/bounded-transaction';
import type { BaseContext, JourneyOutput, MenuEvent, MenuInput, AnyScreenSpec } from '../../menus/screen';
import { withDeadline } from '../db/work-deadline';
import type { Persisted } from './session-record';

export type { Persisted } from './session-record';

export type Live = { persisted: Persisted; snapshot: AnyMachineSnapshot };

export class MenuError extends Error {}

/** A saved snapshot that this code's journeys cannot continue (a deploy renamed or removed its state). */
export class StaleSnapshot extends MenuError {}

const MAIN = 'main';
/** Not a journey: a hand-over to it returns to a resumed snapshot the engine holds (after a login). */
export const RESUME_JOURNEY = '@resume';
const MAX_HANDOVERS = 5;

export class MenuRuntime {
  private readonly journeys: Record<string, AnyStateMachine>;
  private readonly screens = new WeakMap<AnyMachineSnapshot, AnyScreenSpec>();
  /** Per machine, the scope its transitions run in (see step). */
  private readonly scopes = new Map<AnyStateMachine, Scope>();
  /** Each journey's shape (shapeOf), written into what is saved and compared when it is read back. */
  private readonly shapes: Record<string, string>;

  constructor(
    /** The journeys by name (`main` is where a session starts), or a single machine used as `main`. */
    journeys: AnyStateMachine | Record<string, AnyStateMachine>,
    /** Context keys that survive Back, Home and hand-overs (language, who is logged in). */
    private readonly sticky: readonly string[],
  ) {
    this.journeys = journeys instanceof StateMachine ? { [MAIN]: journeys } : journeys;
    if (!this.journeys[MAIN]) throw new MenuError('no main journey');
    this.shapes = Object.fromEntries(Object.entries(this.journeys).map(([name, m]) => [name, shapeOf(m)]));
  }

  /**
   * Whether a saved snapshot was written by a journey of the same shape as this code's: one that was not
   * (a deploy renamed, added or removed a state, or the journey is gone) is not restored.
   */
  isCurrent(persisted: Persisted): boolean {
    return persisted.shape !== undefined && persisted.shape === this.shapes[persisted.journey];
  }

  private machine(journey: string): AnyStateMachine {
    const m = this.journeys[journey];
    if (!m) throw new MenuError(`unknown journey ${journey}`);
    return m;
  }

  /**
   * The snapshot of a saved journey, for reading its screen and context. Resolved from the machine
   * without starting an actor (cheaper: most hops read before they send, and only send creates one).
   */
  restore(persisted: Persisted): Live {
    if (!this.isCurrent(persisted))
      throw new StaleSnapshot(`${persisted.journey}: saved by another shape of the journey`);
    const { value, context, status, output, error } = persisted.state as {
      value: StateValue;
      context: Record<string, unknown>;
      status?: SnapshotStatus;
      output?: unknown;
      error?: unknown;
    };
    let snapshot: AnyMachineSnapshot;
    try {
      snapshot = this.machine(persisted.journey).resolveState({ value, context, status, output, error });
    } catch (err) {
      throw new StaleSnapshot(`${persisted.journey}: ${(err as Error).message}`);
    }
    return { persisted, snapshot };
  }

  /** Starts the main journey (a new session, or Home). */
  start(input: MenuInput, timeoutMs: number): Promise<Live> {
    return this.startJourney(MAIN, input, timeoutMs);
  }

  startJourney(journey: string, input: MenuInput, timeoutMs: number): Promise<Live> {
    return this.begin(journey, input, Date.now() + timeoutMs);
  }

  async send(from: Live, event: MenuEvent, timeoutMs: number): Promise<Live> {
    const deadline = Date.now() + timeoutMs;
    const machine = this.machine(from.persisted.journey);
    const live = await this.settle(
      from.persisted.journey,
      machine,
      this.step(machine, (scope) => machine.transition(from.snapshot, event, scope)),
      deadline,
    );
    return this.handOver(live, deadline);
  }

  /** A previous screen's snapshot, carrying the current sticky context forward. */
  backTo(previous: Persisted, current: Live): Live {
    const state = { ...previous.state, context: { ...previous.state.context, ...this.carry(current) } };
    return this.restore({ ...previous, state });
  }

  /** A saved snapshot restored with some context replaced (what a login hands over). */
  restoreWith(persisted: Persisted, context: Record<string, unknown>): Live {
    return this.restore({
      ...persisted,
      state: { ...persisted.state, context: { ...persisted.state.context, ...context } },
    });
  }

  carry(live: Live): Record<string, unknown> {
    return this.carryFrom(live.snapshot.context as Record<string, unknown>);
  }

  carryFrom(ctx: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(this.sticky.filter((k) => k in ctx).map((k) => [k, ctx[k]]));
  }

  /** Whether the journey finished handing over to `journey`. */
  handsOverTo(live: Live, journey: string): boolean {
    return (
      live.snapshot.status === 'done' && (live.snapshot.output as JourneyOutput | undefined)?.next === journey
    );
  }

  /** What a finished journey hands over: its sticky context and its output's input. */
  handOverInput(live: Live): Record<string, unknown> {
    return { ...this.carry(live), ...(live.snapshot.output as JourneyOutput | undefined)?.input };
  }

  context(live: Live): BaseContext & Record<string, unknown> {
    return live.snapshot.context as BaseContext & Record<string, unknown>;
  }

  /** The screen of the state the journey rests on (computed once per snapshot: a hop asks often). */
  screen(live: Live): AnyScreenSpec {
    const cached = this.screens.get(live.snapshot);
    if (cached) return cached;
    const screen = screenOf(live.snapshot);
    if (!screen)
      throw new MenuError(
        `${live.persisted.journey} state ${JSON.stringify(live.snapshot.value)} has no screen`,
      );
    this.screens.set(live.snapshot, screen);
    return screen;
  }

  private async begin(journey: string, input: MenuInput, deadline: number): Promise<Live> {
    const machine = this.machine(journey);
    const live = await this.settle(
      journey,
      machine,
      this.step(machine, (scope) => machine.getInitialSnapshot(scope, input)),
      deadline,
    );
    return this.handOver(live, deadline);
  }

  /** A journey that finished with `output.next` starts the next one, with the sticky context carried. */
  private async handOver(live: Live, deadline: number): Promise<Live> {
    let current = live;
    for (let i = 0; i < MAX_HANDOVERS; i++) {
      const output = current.snapshot.output as JourneyOutput | undefined;
      if (current.snapshot.status !== 'done' || !output?.next || output.next === RESUME_JOURNEY)
        return current;
      const ctx = this.context(current);
      const input: MenuInput = {
        phone: ctx.phone,
        networkCode: ctx.networkCode as string | undefined,
        ...this.handOverInput(current),
      };
      const machine = this.machine(output.next);
      current = await this.settle(
        output.next,
        machine,
        this.step(machine, (scope) => machine.getInitialSnapshot(scope, input)),
        deadline,
      );
    }
    throw new MenuError('too many journey hand-overs in one hop');
  }

  /**
   * One transition of `machine`, collecting the actions it leaves to run (the invoked calls) instead of
   * running them. Transitions are synchronous, so one scope per machine serves every hop; the actors made
   * for invoked calls are never started, so nothing registers in the scope's system and nothing piles up.
   */
  private step(
    machine: AnyStateMachine,
    move: (scope: Scope) => AnyMachineSnapshot,
  ): [AnyMachineSnapshot, { type: string; params?: unknown }[]] {
    let base = this.scopes.get(machine);
    if (!base) {
      const self = createActor(machine);
      base = {
        self,
        id: '',
        sessionId: '',
        system: self.system,
        defer: () => undefined,
        logger: () => undefined,
        stopChild: () => undefined,
        emit: () => undefined,
        actionExecutor: () => undefined,
      } as unknown as Scope;
      this.scopes.set(machine, base);
    }
    const actions: { type: string; params?: unknown }[] = [];
    const snapshot = move({ ...base, actionExecutor: (a) => actions.push(a) });
    return [snapshot, actions];
  }

  /**
   * Runs the domain calls a transition invoked, one after the other, feeding each result back, until the
   * journey rests on a screen or finishes. The calls run under the hop's deadline, which bounds their
   * transactions (a call that outlives the hop must not commit after the user saw the apology).
   */
  private async settle(
    journey: string,
    machine: AnyStateMachine,
    step: [AnyMachineSnapshot, { type: string; params?: unknown }[]],
    deadline: number,
  ): Promise<Live> {
    let [snapshot, actions] = step;
    let failure: unknown;
    for (;;) {
      if (snapshot.status === 'error') throw snapshot.error;
      if (snapshot.status !== 'active' || screenOf(snapshot) !== undefined) break;
      // The call of a state still active: a transition may pass through a state that invokes and leave it
      // at once (an eventless transition), and that state's call must not run.
      const children = snapshot.children as Record<string, unknown>;
      const spawn = actions.find(
        (a) => a.type === 'xstate.spawnChild' && (a.params as Invoked).id in children,
      );
      if (!spawn) {
        if (failure instanceof Error) throw failure; // an invoked call failed and the machine did not say
        throw new MenuError(`${journey} state ${JSON.stringify(snapshot.value)} has no screen`);
      }
      const { id, input, actorRef } = spawn.params as Invoked;
      let event: EventObject;
      try {
        const output = await callUntil(deadline, () =>
          actorRef.logic.config({
            input,
            self: actorRef,
            system: actorRef.system,
            emit: () => undefined,
            signal: actorRef.signal,
          }),
        );
        event = { type: `xstate.done.actor.${id}`, output, actorId: id } as EventObject;
      } catch (error) {
        if (error instanceof HopOutlived) throw error;
        failure = error;
        event = { type: `xstate.error.actor.${id}`, error, actorId: id } as EventObject;
      }
      const from = snapshot;
      [snapshot, actions] = this.step(machine, (scope) => machine.transition(from, event, scope));
    }
    const state = machine.getPersistedSnapshot(snapshot) as unknown as Persisted['state'];
    return { persisted: { journey, shape: this.shapes[journey], state }, snapshot };
  }
}

/** The scope a machine's transition runs in. */
type Scope = Parameters<AnyStateMachine['transition']>[2];

/** What a transition's spawn action carries for an invoked promise: its id, input and logic. */
type Invoked = {
  id: string;
  input: unknown;
  actorRef: {
    logic: { config: (args: Record<string, unknown>) => PromiseLike<unknown> };
    system: unknown;
    signal?: AbortSignal;
  };
};

/** The hop's deadline passed while an invoked call ran: the hop stops waiting (the call's own errors,
 * a transaction cut short included, go to the machine as before). */
class HopOutlived extends DeadlineExceeded {}

/** Runs an invoked call under the hop's deadline; past it, the hop stops waiting (HopOutlived). */
function callUntil<T>(deadline: number, call: () => PromiseLike<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HopOutlived()), Math.max(deadline - Date.now(), 1));
  });
  return Promise.race([withDeadline(deadline, () => Promise.resolve(call())), late]).finally(() =>
    clearTimeout(timer),
  );
}

/**
 * A digest of a journey's states (their ids) and its `version` (which a journey raises when the meaning
 * of its context changes): what a saved snapshot must match to be restored.
 */
export function shapeOf(machine: AnyStateMachine): string {
  const ids: string[] = [];
  const walk = (node: AnyStateMachine['root']): void => {
    ids.push(node.id);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  ids.sort();
  return createHash('sha256')
    .update(`${machine.version ?? ''}\n${ids.join('\n')}`)
    .digest('base64url')
    .slice(0, 12);
}

/** The screen of the deepest active state that declares one. */
export function screenOf(snapshot: AnyMachineSnapshot): AnyScreenSpec | undefined {
  let found: AnyScreenSpec | undefined;
  for (const meta of Object.values(snapshot.getMeta() as Record<string, { screen?: unknown }>)) {
    const s = meta?.screen;
    if (typeof s === 'function') found = (s as (c: unknown) => AnyScreenSpec)(snapshot.context);
    else if (s) found = s as AnyScreenSpec;
  }
  return found;
}
