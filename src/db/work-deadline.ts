// The deadline of the work in hand (a USSD hop), carried through async calls without threading it
// through every signature: the menu runtime sets it around the machine, the database layer reads it to
// bound transactions. Work started outside (SMS keywords, the admin API) has none.
import { AsyncLocalStorage } from 'node:async_hooks';

const store = new AsyncLocalStorage<{ deadline: number }>();

/** Runs `fn` (and everything it starts) under `deadline` (epoch ms). */
export function withDeadline<T>(deadline: number, fn: () => T): T {
  return store.run({ deadline }, fn);
}

/** The deadline of the current work, if it has one. */
export function currentDeadline(): number | undefined {
  return store.getStore()?.deadline;
}
