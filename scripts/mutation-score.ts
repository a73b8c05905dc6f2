// `npm run mutate:score [-- report.json|mutants.jsonl …]`: the mutation score per module, per folder and in
// total, as the Markdown table docs/testing.md keeps, from Stryker JSON reports or mutant logs (a chunked
// run's reports add up; a module in two reports counts from the later one; a log of a run stopped early
// counts the mutants it tested). Default: the last run's
// reports/mutation/mutation.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Mutant = { status: string };
type Report = { files: Record<string, { mutants: Mutant[] }> };
type Counts = { killed: number; timeout: number; survived: number; noCoverage: number; errors: number };

const empty = (): Counts => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 });

function count(mutants: Mutant[]): Counts {
  const c = empty();
  for (const { status } of mutants) {
    if (status === 'Killed') c.killed++;
    else if (status === 'Timeout') c.timeout++;
    else if (status === 'Survived') c.survived++;
    else if (status === 'NoCoverage') c.noCoverage++;
    else if (status === 'RuntimeError' || status === 'CompileError') c.errors++;
    // Ignored (static mutants, with ignoreStatic) and Pending are not part of the score.
  }
  return c;
}

function add(a: Counts, b: Counts): Counts {
  return {
    killed: a.killed + b.killed,
    timeout: a.timeout + b.timeout,
    survived: a.survived + b.survived,
    noCoverage: a.noCoverage + b.noCoverage,
    errors: a.errors + b.errors,
  };
}

/** Stryker's score: detected (killed or timed out) over valid mutants (errors excluded). */
function row(name: string, c: Counts): string {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  const score = valid === 0 ? 'n/a' : `${((100 * (c.killed + c.timeout)) / valid).toFixed(1)} %`;
  return `| ${name} | ${valid} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${score} |`;
}

function main(): void {
  const args = process.argv.slice(2);
  const reports = args.length > 0 ? args : [path.join('reports', 'mutation', 'mutation.json')];
  const byFile = new Map<string, Counts>();
  for (const file of reports) {
    if (file.endsWith('.jsonl')) {
      // A mutant log (scripts/stryker-mutant-log.mjs), possibly of a run stopped early: the modules it
      // reached, each with the mutants tested so far (a mutant logged twice counts once, the later).
      const byMutant = new Map<string, { file: string; status: string }>();
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const m = JSON.parse(line) as { file: string; id: string; status: string };
        byMutant.set(`${m.file}#${m.id}`, m);
      }
      const perFile = new Map<string, Mutant[]>();
      for (const m of byMutant.values()) perFile.set(m.file, [...(perFile.get(m.file) ?? []), m]);
      for (const [name, mutants] of perFile) byFile.set(name, count(mutants));
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    for (const [name, { mutants }] of Object.entries(report.files)) byFile.set(name, count(mutants));
  }
  const byFolder = new Map<string, Counts>();
  let total = empty();
  const lines = ['| module | mutants | killed | timed out | survived | no coverage | score |'];
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const name of [...byFile.keys()].sort()) {
    const c = byFile.get(name) as Counts;
    lines.push(row(`\`${name}\``, c));
    const folder = path.dirname(name);
    byFolder.set(folder, add(byFolder.get(folder) ?? empty(), c));
    total = add(total, c);
  }
  for (const [folder, c] of [...byFolder].sort()) lines.push(row(`**\`${folder}\`**`, c));
  lines.push(row('**total**', total));
  console.log(lines.join('\n'));
  if (total.errors > 0) console.log(`\n(${total.errors} mutant(s) not counted: the test run errored)`);
}

main();
