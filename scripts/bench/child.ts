// The bench's child process: receives one task (scripts/bench/fork.ts), runs it, sends the result back.
import type { ChildTask } from './fork';
import { generateLoad, type Job } from './floor-load';
import { walk, type WalkJob } from './walker';
import { probeAdmin, type AdminJob } from './admin-probe';
import { authWalk, type AuthWalkJob } from './auth-walk';
import { closedAmount, openLoop, type AmountJob, type OpenJob } from './hop-load';

const report = (event: string) => {
  if (process.connected) process.send?.({ event });
};

async function run(task: ChildTask): Promise<unknown> {
  switch (task.kind) {
    case 'floor':
      return generateLoad(task.job as Job, report);
    case 'walk':
      return walk(task.job as WalkJob, report);
    case 'admin':
      return probeAdmin(task.job as AdminJob, report);
    case 'auth-walk':
      return authWalk(task.job as AuthWalkJob, report);
    case 'open':
      return openLoop(task.job as OpenJob, report);
    case 'amount':
      return closedAmount(task.job as AmountJob, report);
  }
}

process.once('message', (task: ChildTask) => {
  run(task).then(
    (result) => process.send?.({ result }, () => process.disconnect()),
    (err: unknown) =>
      process.send?.({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () =>
        process.disconnect(),
      ),
  );
});
