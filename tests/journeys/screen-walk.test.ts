// Issue 10: a walk of every reachable screen, in English and Kiswahili, over HTTP, as (a) a new phone and
// (b) an account holder with a complete profile, logged in. Breadth-first from the main menu, choosing
// each numbered option shown (and 98, 0 Back, 00 Home, a number not on the screen, and the few typed
// entries given per screen below). Every screen reached must fit 160 GSM-7 characters, a CON screen must
// offer a way on, an END must be one of the journeys' endings (never a refusal the user can act on), no
// screen carries two refusals, and after 0 Back no refusal is shown on top. Then the hop budget: from the
// main menu after login to the application's confirmation in at most 8 inputs.
//
// Each branch gets a session of its own: the parent's session record is copied to a new session id and
// the branch's input is sent on it (AT's `text` of the parent plus the input), so a branch costs one hop
// instead of a replay of its whole path.
import { randomUUID } from 'node:crypto';
import { copy } from '../../src/domain/copy';
import { keys } from '../../src/engine/session-store';
import { insertCompleteProfile } from '../support/complete-profile';
import { passwordIn, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone, type Screen } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

type Lang = 'en' | 'sw';
const LANGS: Lang[] = ['en', 'sw'];

/** A copy template as a whole-line pattern: its `{params}` match anything. */
function pattern(template: string): RegExp {
  const parts = template.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`);
}

const keysOf = (prefixOrKeys: (k: string) => boolean) =>
  LANGS.flatMap((l) =>
    Object.entries(copy[l])
      .filter(([k]) => prefixOrKeys(k))
      .map(([, v]) => pattern(v)),
  );

/** A refusal or error line: the engine's refusals, the machine's checks, the password rules. */
const REFUSAL = keysOf(
  (k) =>
    k.startsWith('engine.invalid') ||
    k.startsWith('profile.error.') ||
    ['password.trivial', 'password.mismatch', 'apply.activityTaken'].includes(k),
);
const isRefusal = (line: string) => REFUSAL.some((r) => r.test(line));

/** The endings a session may have: completions, decisions, and what the user cannot act on here. */
const END_ALLOWED = keysOf((k) =>
  [
    'apply.submitted',
    'account.created',
    'account.cancelled',
    'account.resetSent',
    'account.resetLimited',
    'password.changed',
    'applications.withdrawn',
    'login.locked',
    'login.noAccount',
    'engine.tooManyErrors',
    'engine.expired',
  ].includes(k),
);

const NAV = {
  en: { back: '0 Back', home: '00 Home', more: '98 More' },
  sw: { back: '0 Rudi', home: '00 Mwanzo', more: '98 Zaidi' },
};

type Node = {
  /** The page of the screen shown (0: the first; 98 pages on, 0 pages back before it goes Back). */
  page: number;
  /** What the walk knows this screen by (set when it is reached). */
  key?: string;
  sessionId: string;
  text: string;
  path: string[];
  screen: Screen;
  screenId: string;
};

type Walk = { nodes: number; edges: number; screenIds: Set<string>; problems: string[]; ends: Set<string> };

/** Entries typed on screens that take text: valid ones (to go on) and refused ones (to see the refusal). */
function typedEntries(password: string, ownNumber: string): Record<string, string[]> {
  const year = new Date().getFullYear();
  return {
    'login.prompt': [password, '12'],
    'password.current': [password, '12'],
    // A new password and a confirmation that does not match: the password is never changed.
    'password.new': ['583920', '123456', '12'],
    'password.confirm': ['583921'],
    'apply.search': ['NBI', 'ZZZZ'],
    'profile.field.fullName': ['Jane Wanjiku Kamau', 'Jane'],
    'profile.field.nationalId': ['123'],
    'profile.field.birthYear': ['1985', String(year - 10), '19'],
    'profile.field.kraPin': ['A012345678Z', 'B1'],
    'profile.field.email': ['1', 'jane@'],
    'profile.field.mpesaPhone': ['1', '12'],
    'profile.field.mpesaName': ['Jane Wanjiku Kamau'],
    'profile.field.bankName': ['1', '12345'],
    'profile.field.course': ['Education'],
    'profile.field.institution': ['Kenyatta University'],
    'profile.field.qualificationYear': ['2008', '1990'],
    'profile.field.tscNumber': ['123456'],
    'profile.field.workInstitution': ['Moi Girls'],
    'profile.field.designation': ['Teacher'],
    'profile.field.workStartYear': ['2010', '2000'],
    'profile.field.kinName': ['John Kamau'],
    'profile.field.kinPhone': ['0722000111', ownNumber],
  };
}

/** Options whose effect is lasting: taken once per walk (a second time changes nothing worth seeing). */
const ONCE: Record<string, string> = {
  'apply.details': '1',
  'applications.confirmWithdraw': '1',
  'account.confirm': '1',
  'account.exists': '1',
};

/** How many different instances of one screen (same id, other content) are expanded. */
const PER_SCREEN = 2;
/** Lists of data whose entries all lead to the same kind of screen. */
const DATA_LISTS = new Set([
  'profile.field.county',
  'profile.field.subCounty',
  'apply.choose.county',
  'apply.choose.subCounty',
  'apply.vacancies',
]);

/** Screens worth walking in more instances: each profile section's review and its fields. */
const PER_SCREEN_OF: Record<string, number> = {
  'profile.review': 5,
  'profile.chooseField': 5,
  'apply.choose.activity': 3,
};
const MAX_DEPTH = 11;
const MAX_EDGES = 900;

async function screenIdOf(sessionId: string): Promise<string> {
  const raw = await app.store.get(keys.session(sessionId));
  return raw ? (JSON.parse(raw) as { last: { screenId: string } }).last.screenId : '?';
}

/** The branch: the parent's session copied to a new id, then one more entry. */
async function branch(phone: UssdPhone, from: Node, input: string): Promise<Node> {
  const sessionId = randomUUID();
  const raw = await app.store.get(keys.session(from.sessionId));
  if (!raw) throw new Error(`session of ${from.path.join('*')} is gone`);
  await app.store.write([{ key: keys.session(sessionId), value: raw, ttlSeconds: 300 }]);
  const text = from.text === '' ? input : `${from.text}*${input}`;
  const screen = await phone.hop(text, sessionId);
  const screenId = await screenIdOf(sessionId);
  const page =
    screenId !== from.screenId ? 0 : input === '98' ? from.page + 1 : input === '0' ? from.page - 1 : 0;
  return { page, sessionId, text, path: [...from.path, input], screen, screenId };
}

/** What is wrong with a screen reached by `input` (empty when nothing is). */
function check(node: Node, input: string, from?: Node): string[] {
  const { screen } = node;
  const problems: string[] = [];
  const lines = screen.text.split('\n');
  if (screen.status !== 200) problems.push(`HTTP ${screen.status}`);
  if (screen.text.length > 160) problems.push(`${screen.text.length} characters`);
  if (!/^[\n\r -~£¥èéùìòÇØøÅåÆæßÉÄÖÑÜäöñüà§¿¡]*$/.test(screen.text)) problems.push('not GSM-7');
  if (lines.filter(isRefusal).length > 1) problems.push('two refusals on one screen');
  if (screen.kind === 'CON') {
    // Either language: the walk may change it on the way (Language/Lugha).
    const wayOn =
      lines.some((l) => /^\d+\. /.test(l)) ||
      LANGS.some((lang) =>
        lines.some(
          (l) => l.startsWith(NAV[lang].back) || l.startsWith(NAV[lang].home) || l === NAV[lang].more,
        ),
      );
    if (!wayOn) problems.push('a CON screen with no way on');
    // 0 on a later page pages back (the refusal stays with the screen it answered); on the first, Back.
    const back = input === '0' && from !== undefined && from.page === 0;
    if (back && isRefusal(lines[0] as string)) problems.push('a refusal shown after 0 Back');
  } else if (!END_ALLOWED.some((r) => r.test(screen.text))) {
    problems.push('an END that is not an ending');
  }
  return problems;
}

/** What to send on a screen: each option shown, its pages, Back, Home, a wrong number, typed entries. */
function inputsFor(node: Node, typed: Record<string, string[]>): string[] {
  const lines = node.screen.text.split('\n');
  const has = (nav: 'back' | 'home' | 'more') =>
    LANGS.some((lang) => lines.some((l) => l.startsWith(NAV[lang][nav]) || l.includes(` ${NAV[lang][nav]}`)));
  let inputs = lines.filter((l) => /^\d+\. /.test(l)).map((l) => l.split('.')[0] as string);
  // A list of data (counties, stations): every entry leads to the same kind of screen, so the first and
  // the last of each page are enough.
  if (DATA_LISTS.has(node.screenId) && inputs.length > 3)
    inputs = [inputs[0] as string, inputs.at(-1) as string];
  if (has('more')) inputs.push('98');
  if (has('back')) inputs.push('0');
  if (has('home')) inputs.push('00');
  inputs.push(...(typed[node.screenId] ?? []));
  return inputs;
}

async function walk(phone: UssdPhone, root: Node, typed: Record<string, string[]>): Promise<Walk> {
  const result: Walk = { nodes: 0, edges: 0, screenIds: new Set(), problems: [], ends: new Set() };
  const seen = new Set<string>();
  const expanded = new Map<string, number>();
  const refusedExpanded = new Map<string, number>();
  const probed = new Set<string>();
  const homed = new Set<string>();
  const once = new Set<string>();
  const queue: Node[] = [root];
  root.key = `${root.screenId}\n${root.screen.text}`;
  seen.add(root.key);
  result.screenIds.add(root.screenId);
  result.problems.push(...check(root, '').map((p) => `${p}: (root)\n${root.screen.text}`));
  while (queue.length > 0 && result.edges < MAX_EDGES) {
    const node = queue.shift() as Node;
    result.nodes += 1;
    const inputs = inputsFor(node, typed);
    // A number no screen offers, once per screen: refused on the same screen, never an END.
    if (!probed.has(node.screenId) && node.screen.text.match(/^\d+\. /m)) {
      probed.add(node.screenId);
      inputs.push('99');
    }
    for (const input of inputs) {
      // Home leads to the main menu from anywhere: tried once per screen id.
      if (input === '00') {
        if (homed.has(node.screenId)) continue;
        homed.add(node.screenId);
      }
      if (ONCE[node.screenId] === input) {
        if (once.has(node.screenId)) continue;
        once.add(node.screenId);
      }
      if (result.edges >= MAX_EDGES) break;
      const next = await branch(phone, node, input);
      result.edges += 1;
      result.screenIds.add(next.screenId);
      const shownPath = next.path.map((p) => (p === typedPassword(typed) ? '<password>' : p)).join('*');
      for (const p of check(next, input, node))
        result.problems.push(`${p}: ${shownPath}\n${next.screen.text}`);
      if (
        input === '99' &&
        next.screen.kind === 'CON' &&
        !isRefusal(next.screen.text.split('\n')[0] as string)
      )
        result.problems.push(`a wrong number not refused: ${shownPath}\n${next.screen.text}`);
      if (next.screen.kind === 'END') {
        result.ends.add(next.screenId);
        continue;
      }
      // A later page is told apart by the screen it pages (two screens may end with the same page).
      next.key =
        input === '98' ? `${node.key}\n98\n${next.screen.text}` : `${next.screenId}\n${next.screen.text}`;
      if (seen.has(next.key)) continue;
      seen.add(next.key);
      if (next.path.length - root.path.length >= MAX_DEPTH) continue;
      // Pages of a screen are always walked; other instances of a screen id up to a few, and the screen
      // with a refusal on top once (to see that the next entry clears it).
      if (input !== '98') {
        const refused = isRefusal(next.screen.text.split('\n')[0] as string);
        const counter = refused ? refusedExpanded : expanded;
        const count = counter.get(next.screenId) ?? 0;
        if (count >= (refused ? 1 : (PER_SCREEN_OF[next.screenId] ?? PER_SCREEN))) continue;
        counter.set(next.screenId, count + 1);
      }
      queue.push(next);
    }
  }
  return result;
}

function typedPassword(typed: Record<string, string[]>): string {
  return typed['login.prompt']?.[0] ?? '';
}

/** The session a phone is on, as a node to walk from. */
async function nodeOf(phone: UssdPhone): Promise<Node> {
  return {
    sessionId: phone.sessionId,
    text: phone.text,
    path: [...phone.inputs],
    screen: phone.last,
    screenId: await screenIdOf(phone.sessionId),
    page: 0,
  };
}

/** A phone with an account (made over USSD), a complete profile and its language set. */
async function accountHolder(
  lang: Lang,
  opts: { applied?: boolean } = { applied: true },
): Promise<{ phone: UssdPhone; password: string }> {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  await phone.send('1'); // Create account
  await phone.send('1'); // Confirm
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  const account = await app.db('accounts').where({ phone: phone.phoneNumber }).first('id');
  await insertCompleteProfile(app.db, account.id, phone.phoneNumber);
  // An application already made (KPSEA), so that My applications, Withdraw and the "(applied)" mark of
  // its activity are on the walk.
  if (opts.applied) {
    const v = await app.db('vacancies').where({ exam: 'KPSEA', status: 'open' }).orderBy('id').first();
    await app.db('applications').insert({
      account_id: account.id,
      vacancy_id: v.id,
      exam: v.exam,
      activity: v.activity,
      status: 'submitted',
    });
  }
  if (lang === 'sw') {
    await phone.dial();
    await phone.send('6'); // Language/Lugha
    await phone.send('2'); // Kiswahili
  }
  return { phone, password: passwordIn(sms?.text ?? '') };
}

/** Logged in through My profile, then 00 Home: the main menu of a logged-in session. */
async function loggedIn(phone: UssdPhone, password: string): Promise<Screen> {
  const first = await phone.dial();
  if (/\n2\. (Start again|Anza upya)$/.test(first.text)) await phone.send('2');
  await phone.send('1');
  await phone.send(password);
  return phone.send('00');
}

function report(name: string, w: Walk): void {
  console.log(
    `${name}: ${w.edges} hops, ${w.nodes} screens expanded, ${w.screenIds.size} screen ids: ${[...w.screenIds].sort().join(' ')}; endings: ${[...w.ends].sort().join(' ')}`,
  );
}

describe.each(LANGS)('walking every screen in %s', (lang) => {
  test('a new phone: every screen fits, leads on, ends only where a journey ends, one refusal at most', async () => {
    const phone = new UssdPhone(app.url, randomPhone());
    await phone.dial();
    if (lang === 'sw') await phone.sendAll('2', '2'); // Lugha → Kiswahili: the menu, in Kiswahili
    const root = await nodeOf(phone);
    const w = await walk(phone, root, {});
    report(`${lang} new phone`, w);
    expect(w.problems).toEqual([]);
    // The walk did reach the journeys a new phone has.
    for (const id of ['main', 'language', 'help', 'account.confirm', 'account.created', 'account.cancelled'])
      expect(w.screenIds).toContain(id);
  }, 60_000);

  test('an account holder with a complete profile, logged in: the same rules on every screen', async () => {
    const { phone, password } = await accountHolder(lang);
    await loggedIn(phone, password);
    expect(phone.last.text).toMatch(/\n7\. /);
    const root = await nodeOf(phone);
    const w = await walk(phone, root, typedEntries(password, phone.shownNumber.replace(/ /g, '')));
    report(`${lang} account holder`, w);
    expect(w.problems).toEqual([]);
    for (const id of [
      'main',
      'profile.overview',
      'profile.review',
      'profile.chooseField',
      'apply.choose.exam',
      'apply.choose.activity',
      'apply.vacancies',
      'apply.details',
      'apply.submitted',
      'applications.list',
      'applications.details',
      'applications.confirmWithdraw',
      'applications.withdrawn',
      'password.current',
      'password.new',
      'password.confirm',
      'profile.field.employer',
      'profile.field.county',
      'help',
    ])
      expect(w.screenIds).toContain(id);
  }, 60_000);
});

const CONFIRM = { en: '1. Confirm and submit', sw: '1. Thibitisha na uwasilishe' };
const SUBMITTED = {
  en: 'Thank you for submitting your application.',
  sw: 'Asante kwa kuwasilisha ombi lako.',
};
const BUDGET = 8;

/**
 * Applies from the main menu of a logged-in session: Apply for a job, the exam and activity given (their
 * option numbers), then the first choice on every other list, the first vacancy, and Confirm (paging with
 * 98 if the user would have to). Returns the inputs counted from the main menu, Apply included.
 */
async function applyCounting(phone: UssdPhone, lang: Lang, exam: string, activity: string): Promise<number> {
  let inputs = 0;
  const send = async (input: string) => {
    inputs += 1;
    return phone.send(input);
  };
  await send('2'); // Apply for a job
  expect(await screenIdOf(phone.sessionId)).toBe('apply.choose.exam');
  await send(exam);
  if ((await screenIdOf(phone.sessionId)) === 'apply.choose.activity') await send(activity);
  while ((await screenIdOf(phone.sessionId)) !== 'apply.details') {
    expect(phone.last.kind).toBe('CON');
    expect(phone.last.text).toMatch(/^1\. /m);
    await send('1');
  }
  while (!phone.last.text.split('\n').includes(CONFIRM[lang])) await send('98');
  const done = await send('1');
  expect(done.kind).toBe('END');
  expect(done.text).toContain(SUBMITTED[lang]);
  return inputs;
}

/** The option numbers of the list on screen (navigation left out). */
const optionNumbers = (s: Screen) =>
  s.text
    .split('\n')
    .filter((l) => /^\d+\. /.test(l))
    .map((l) => l.split('.')[0] as string);

describe.each(LANGS)('the hop budget in %s', (lang) => {
  // Before issue 10: 10 inputs after the login on the typical path (a station type with one choice asked,
  // and 98 to reach "Confirm and submit").
  test(`typical choices: from the main menu after login to the confirmation in at most ${BUDGET} inputs`, async () => {
    const { phone, password } = await accountHolder(lang, { applied: false });
    await loggedIn(phone, password);
    const count = await applyCounting(phone, lang, '1', '1');
    console.log(`hop budget ${lang}: typical path (first choice on each list): ${count} inputs`);
    expect(count).toBeLessThanOrEqual(BUDGET);
  });

  test(`every exam and activity of the demo data, first choices after: at most ${BUDGET} inputs each`, async () => {
    const { phone, password } = await accountHolder(lang, { applied: false });
    const label = (s: Screen, n: string) =>
      s.text
        .split('\n')
        .find((l) => l.startsWith(`${n}. `))
        ?.slice(n.length + 2) ?? n;
    await loggedIn(phone, password);
    const examList = await phone.send('2');
    const counts: Record<string, number> = {};
    for (const exam of optionNumbers(examList)) {
      await phone.send(exam);
      const activityList = phone.last;
      const activities =
        (await screenIdOf(phone.sessionId)) === 'apply.choose.activity' ? optionNumbers(activityList) : ['1'];
      for (const activity of activities) {
        await loggedIn(phone, password);
        const path = `${label(examList, exam)} / ${label(activityList, activity)}`;
        counts[path] = await applyCounting(phone, lang, exam, activity);
      }
      await loggedIn(phone, password);
      await phone.send('2');
    }
    console.log(`hop budget ${lang}, every exam and activity: ${JSON.stringify(counts)}`);
    expect(Object.keys(counts)).toHaveLength(8);
    for (const [path, count] of Object.entries(counts))
      expect({ path, count, withinBudget: count <= BUDGET }).toEqual({ path, count, withinBudget: true });
  }, 60_000);
});
