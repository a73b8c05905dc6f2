// Runs a load job in a child process (scripts/bench/child.ts under the same tsx loader), so that the
// load generator neither slows the service down nor adds its own time to the latencies it measures.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export type ChildTask = {
  kind: 'floor' | 'walk' | 'admin' | 'auth-walk' | 'open' | 'amount';
  job: unknown;
};

let current: ChildProcess | undefined;

/** Kills the running child, if any (Ctrl-C). */
export function killChild(): void {
  current?.kill();
}

/** Sends `task` to a new child and resolves with its result; `onEvent` gets what it reports meanwhile. */
export function runInChild<R>(
  task: ChildTask,
  onEvent: (event: string) => void = () => undefined,
): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'child.ts'), [], { stdio: 'inherit' });
    current = child;
    let result: R | undefined;
    let error: string | undefined;
    child.on('message', (msg: { result?: R; event?: string; error?: string }) => {
      if (msg.event) onEvent(msg.event);
      else if (msg.error) error = msg.error;
      else if (msg.result) result = msg.result;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      current = undefined;
      if (result) resolve(result);
      else reject(new Error(`load generator: ${error ?? `exited with code ${code}`}`));
    });
    child.send(task);
  });
}
