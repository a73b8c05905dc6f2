// The layering of docs/architecture.md (http → channels → engine → menus → domain → db) is enforced by
// eslint.config.mjs: these snippets, linted as if they were files of each layer, prove the rule fires on
// an import against the direction and stays quiet on one along it. ESLint runs in a child process (its
// flat config is an ES module, which jest's CommonJS runtime cannot load); type-aware rules are off there
// because the snippets are not files of the TypeScript project.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

type Case = { file: string; code: string };
type Found = { file: string; rules: string[] };

const SCRIPT = `
const { ESLint } = require('eslint');
const tseslint = require('typescript-eslint');
(async () => {
  const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: [tseslint.configs.disableTypeChecked] });
  const out = [];
  for (const c of JSON.parse(process.argv[1])) {
    const [r] = await eslint.lintText(c.code, { filePath: require('node:path').resolve(c.file) });
    out.push({ file: c.file, rules: r.messages.map((m) => m.ruleId ?? m.message) });
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

function lint(cases: Case[]): Found[] {
  const out = execFileSync(process.execPath, ['-e', SCRIPT, JSON.stringify(cases)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out) as Found[];
}

const use = (from: string) => `import { x } from '${from}';\nexport const y = x;\n`;

const AGAINST: [string, string][] = [
  ['src/domain/zz-fixture.ts', '../engine/engine'],
  ['src/domain/zz-fixture.ts', '../../menus/screen'],
  ['src/domain/copy/zz-fixture.ts', '../../channels/sms/gateway'],
  ['src/domain/zz-fixture.ts', '../http/app'],
  ['src/domain/zz-fixture.ts', '../metrics'],
  ['src/db/zz-fixture.ts', '../domain/outbox'],
  ['menus/zz-fixture.ts', '../src/engine'],
  ['menus/zz-fixture.ts', '../src/db/knex'],
  ['menus/zz-fixture.ts', '../src/channels/ussd/at-ussd-adapter'],
  ['src/engine/zz-fixture.ts', '../channels/sms/gateway'],
  ['src/engine/zz-fixture.ts', '../http/router'],
  ['src/channels/sms/zz-fixture.ts', '../../http/app'],
  ['src/http/zz-fixture.ts', '../service'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/outbox'],
  ['src/http/web/browser/zz-fixture.ts', '../browser-code'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/application-status-x'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/claim-status-x'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/claims'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/queries'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/vacancies'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/active-applications'],
];

const ALONG: [string, string][] = [
  ['src/http/zz-fixture.ts', '../channels/ussd/at-ussd-adapter'],
  ['src/http/zz-fixture.ts', '../engine/engine'],
  ['src/channels/ussd/zz-fixture.ts', '../../domain/copy'],
  ['src/channels/ussd/zz-fixture.ts', '../../engine/engine'],
  ['src/engine/zz-fixture.ts', '../../menus/screen'],
  ['src/engine/zz-fixture.ts', '../db/work-deadline'],
  ['menus/zz-fixture.ts', '../src/domain/profile-fields'],
  ['src/domain/zz-fixture.ts', '../db/knex'],
  ['src/domain/zz-fixture.ts', './outbox'],
  ['src/db/zz-fixture.ts', './knex'],
  ['src/http/web/browser/zz-fixture.ts', './api'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/application-status'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/claim-status'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/query-status'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/vacancy-status'],
  ['src/http/web/browser/zz-fixture.ts', '../../../domain/duty-types'],
  // Tests and scripts may import anything.
  ['tests/zz-fixture.ts', '../src/engine/engine'],
  ['scripts/zz-fixture.ts', '../src/http/app'],
];

test('an import against the layering is an error, an import along it is not', () => {
  const found = lint([...AGAINST, ...ALONG].map(([file, from]) => ({ file, code: use(from) })));
  const rulesOf = (i: number) => [...new Set(found[i]?.rules)];
  expect(AGAINST.map(([file, from], i) => ({ file, from, rules: rulesOf(i) }))).toEqual(
    AGAINST.map(([file, from]) => ({ file, from, rules: ['no-restricted-imports'] })),
  );
  expect(ALONG.map(([file, from], i) => ({ file, from, rules: rulesOf(AGAINST.length + i) }))).toEqual(
    ALONG.map(([file, from]) => ({ file, from, rules: [] })),
  );
}, 60_000);

test('type-only imports and re-exports count too', () => {
  const found = lint([
    {
      file: 'src/domain/zz-fixture.ts',
      code: "import type { Metrics } from '../metrics';\nexport type M = Metrics;\n",
    },
    { file: 'src/domain/zz-fixture.ts', code: "export { createEngine } from '../engine';\n" },
  ]);
  expect(found.map((f) => f.rules)).toEqual([['no-restricted-imports'], ['no-restricted-imports']]);
}, 60_000);
