// The jest test environment of mutation runs (stryker.config.json sets it; `npm test` keeps `node`).
//
// Stryker stops at a mutant's first failing test by default ("bail"), but its jest runner cannot tell
// jest so: every covering test still runs, and a mutant of the hop engine is covered by hundreds of
// journey tests. This environment does the bailing: once a test (or a hook) has failed while Stryker
// runs a mutant, the remaining tests of that mutant's jest run are skipped: those of the same file one by
// one, and in each later file all of them, with their beforeAll hooks. The mutant is already killed by
// then, so the result is the same. Outside a mutant run (`npm test`, Stryker's initial run, which needs
// every test's coverage) nothing is skipped. Do not combine with Stryker's --disableBail.
const { TestEnvironment } = require('jest-environment-node');

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
// The mutant whose run has seen a failure. Jest loads the environment module once per worker process
// (not per test file), so this is shared by all the files of one mutant's run.
let failedMutant;

function activeMutant() {
  return process.env[ACTIVE_MUTANT];
}

function bailing() {
  const mutant = activeMutant();
  return mutant !== undefined && mutant === failedMutant;
}

const SKIP_ALL = /(?!)/; // matches no test name: the file's tests and hooks are skipped

class MutationEnvironment extends TestEnvironment {
  async handleTestEvent(event, state) {
    if (activeMutant() === undefined) return;
    switch (event.name) {
      case 'run_start':
        if (bailing()) state.testNamePattern = SKIP_ALL;
        break;
      case 'test_start':
        if (bailing()) event.test.mode = 'skip';
        break;
      case 'test_done':
        if (event.test.errors.length > 0) failedMutant = activeMutant();
        break;
      case 'hook_failure':
        failedMutant = activeMutant();
        break;
    }
  }
}

module.exports = MutationEnvironment;
