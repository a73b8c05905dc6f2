// A Stryker reporter (`mutant-log`, stryker.config.json) that writes each mutant's result the moment it is
// known, one JSON line each, to the file CP2_MUTANT_LOG names (scripts/mutate.ts sets it). Stryker 9 writes
// its reports and its incremental file only when a run ends, so a run stopped before the end (a time box, a
// Ctrl-C, a killed machine) used to leave nothing; with this log `npm run mutate:score -- <log>` scores what
// was tested. Stryker 10 saves a partial incremental report on an interrupt, but needs Node 22.
import { appendFileSync, mkdirSync } from 'node:fs';
import process from 'node:process';
import path from 'node:path';
import { PluginKind, declareClassPlugin } from '@stryker-mutator/api/plugin';

class MutantLogReporter {
  constructor() {
    this.file = process.env.CP2_MUTANT_LOG;
    if (this.file) mkdirSync(path.dirname(this.file), { recursive: true });
  }

  onMutantTested(result) {
    if (!this.file) return;
    const line = {
      file: path.relative(process.cwd(), result.fileName),
      id: result.id,
      mutator: result.mutatorName,
      replacement: result.replacement,
      line: result.location.start.line,
      status: result.status,
      killedBy: result.killedBy?.length ?? 0,
    };
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'mutant-log', MutantLogReporter)];
