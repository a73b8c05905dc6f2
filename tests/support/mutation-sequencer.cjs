// The jest test sequencer of mutation runs (stryker.config.json sets it; `npm test` keeps jest's own).
//
// Stryker runs a mutant's covering tests through jest's testNamePattern, but jest still loads every test
// file of the run (all files related to the mutated module: for most of src/domain that is nearly the
// whole suite), importing the app into each and skipping the tests that do not match. This sequencer
// keeps only the files that hold a test the pattern matches. It learns which test is in which file from
// the initial (dry) run, which has no pattern and runs every related test: it writes that list into the
// sandbox, and the runs of each mutant read it. A file it has not seen is kept, so a missing list only
// costs time; it never drops a file that holds a matching test. It also runs the files that were quickest
// in the initial run first: with the bail of mutation-environment.cjs, a mutant a unit test kills never
// waits for a journey file to start the app (jest's own order is slowest first).
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const LIST = '.stryker-test-names.json';
let known; // file path -> { names: full test names, ms: the file's run time in the initial run }

function listPath(rootDir) {
  return path.join(rootDir, LIST);
}

function readList(rootDir) {
  if (known) return known;
  try {
    known = new Map(Object.entries(JSON.parse(fs.readFileSync(listPath(rootDir), 'utf8'))));
  } catch {
    return undefined; // not written yet: keep every file
  }
  return known;
}

class MutationSequencer extends Sequencer {
  constructor(context) {
    super(context);
    this.globalConfig = context.globalConfig;
  }

  async sort(tests) {
    const sorted = await super.sort(tests);
    const pattern = this.globalConfig.testNamePattern;
    if (!pattern) return sorted;
    const list = readList(this.globalConfig.rootDir);
    if (!list) return sorted;
    // As jest matches a test's full name against --testNamePattern.
    const matches = new RegExp(pattern, 'i');
    const ms = (test) => list.get(test.path)?.ms ?? Number.MAX_SAFE_INTEGER;
    return sorted
      .filter((test) => {
        const entry = list.get(test.path);
        return !entry || entry.names.some((name) => matches.test(name));
      })
      .sort((a, b) => ms(a) - ms(b));
  }

  cacheResults(tests, results) {
    super.cacheResults(tests, results);
    if (this.globalConfig.testNamePattern) return;
    const list = Object.fromEntries(readList(this.globalConfig.rootDir) ?? []);
    for (const file of results.testResults) {
      list[file.testFilePath] = {
        names: file.testResults.map((t) => t.fullName),
        ms: file.perfStats.end - file.perfStats.start,
      };
    }
    const target = listPath(this.globalConfig.rootDir);
    const tmp = `${target}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(list));
    fs.renameSync(tmp, target);
    known = new Map(Object.entries(list));
  }
}

module.exports = MutationSequencer;
