// The jest test sequencer of mutation runs (stryker.config.json sets it; `npm test` keeps jest's own).
//
// Stryker runs a mutant's covering tests through jest's testNamePattern, but jest still loads every test
// file of the run (all files related to the mutated module: for most of src/domain that is nearly the
// whole suite), importing the app into each and skipping the tests that do not match. This sequencer
// keeps only the files that hold a test the pattern matches. It learns which test is in which file from
// the initial (dry) run, which has no pattern and runs every related test: it writes that list into the
// sandbox, and the runs of each mutant read it. A file it has not seen is kept, so a missing list only
// costs time; it never drops a file that holds a matching test.
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const LIST = '.stryker-test-names.json';
let known; // file path -> full test names, once read in this process

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
    return sorted.filter((test) => {
      const names = list.get(test.path);
      return !names || names.some((name) => matches.test(name));
    });
  }

  cacheResults(tests, results) {
    super.cacheResults(tests, results);
    if (this.globalConfig.testNamePattern) return;
    const list = Object.fromEntries(readList(this.globalConfig.rootDir) ?? []);
    for (const file of results.testResults) {
      list[file.testFilePath] = file.testResults.map((t) => t.fullName);
    }
    const target = listPath(this.globalConfig.rootDir);
    const tmp = `${target}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(list));
    fs.renameSync(tmp, target);
    known = new Map(Object.entries(list));
  }
}

module.exports = MutationSequencer;
