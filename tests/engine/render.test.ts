// renderPages: what one USSD response carries. Every page must fit the network's limit, options keep
// their global numbers across pages, and navigation lines appear exactly where a caller needs them.
import { gsm7Length, isGsm7 } from '../../src/domain/gsm7';
import { renderPages, type RenderRequest } from '../../src/engine/render';
import type { AnyScreenSpec as ScreenSpec } from '../../menus/screen';
import { COUNTIES } from './machine-app';
import { septets } from '../support/gsm7-standard';

const globals = { code: '*384*22262#', sms: '22262' };

const countyScreen: ScreenSpec = {
  id: 'county',
  text: { literal: 'Choose county' },
  options: COUNTIES.map((name) => ({ label: { literal: name }, event: { type: 'PICK', name } })),
};

function render(over: Partial<RenderRequest> & { screen: ScreenSpec }): string[] {
  return renderPages({ lang: 'en', limit: 160, canBack: false, globals, ...over }).map((p) => p.text);
}

const optionLines = (page: string) => page.split('\n').filter((l) => /^\d+\. /.test(l));

test('the 47 counties are in the list', () => {
  expect(COUNTIES).toHaveLength(47);
  expect(new Set(COUNTIES).size).toBe(47);
});

describe.each([160, 182])('a 47-county list at a %i-character limit', (limit) => {
  describe.each([
    ['with nothing behind it', false],
    ['with a screen behind it', true],
  ])('%s', (_name, canBack) => {
    const pages = render({ screen: countyScreen, limit, canBack });

    test('splits into several pages, each within the limit and GSM-7 only', () => {
      expect(pages.length).toBeGreaterThan(1);
      for (const page of pages) {
        expect(gsm7Length(page)).toBeLessThanOrEqual(limit);
        expect(page.length).toBeLessThanOrEqual(limit);
        expect(isGsm7(page)).toBe(true);
      }
    });

    test('shows every county exactly once, numbered 1..47 in order across pages', () => {
      const lines = pages.flatMap(optionLines);
      expect(lines).toEqual(COUNTIES.map((name, i) => `${i + 1}. ${name}`));
    });

    test('keeps the title on the first page only', () => {
      expect(pages[0]?.split('\n')[0]).toBe('Choose county');
      for (const page of pages.slice(1)) expect(page).not.toContain('Choose county');
    });

    test("offers '98 More' on every page but the last", () => {
      pages.forEach((page, i) => {
        const lines = page.split('\n');
        if (i < pages.length - 1) expect(lines).toContain('98 More');
        else expect(lines).not.toContain('98 More');
      });
    });

    test('offers Back on every page after the first, and Home on every page', () => {
      pages.forEach((page, i) => {
        const last = page.split('\n').at(-1);
        if (i > 0 || canBack) expect(last).toBe('0 Back 00 Home');
        else expect(last).toBe('00 Home');
      });
    });

    test('fills pages: no page could have taken the first option of the next one', () => {
      pages.slice(0, -1).forEach((page, i) => {
        const nextFirst = optionLines(pages[i + 1] as string)[0] as string;
        const lines = page.split('\n');
        const nav = lines.filter((l) => !/^\d+\. /.test(l) && l !== 'Choose county');
        const body = lines.filter((l) => !nav.includes(l));
        expect(gsm7Length([...body, nextFirst, ...nav].join('\n'))).toBeGreaterThan(limit);
      });
    });
  });
});

test('the main menu (home) pages show Back only after the first page and never Home', () => {
  const pages = render({ screen: { ...countyScreen, home: true } });
  expect(pages.length).toBeGreaterThan(1);
  expect(pages[0]).not.toMatch(/(^|\n)0 Back|00 Home/);
  for (const page of pages.slice(1)) {
    expect(page.split('\n').at(-1)).toBe('0 Back');
    expect(page).not.toContain('00 Home');
  }
});

test('a screen that fits is one page, with navigation and no More', () => {
  const pages = render({
    screen: {
      id: 's',
      text: { literal: 'Pick one' },
      options: [{ label: 'language.english', event: { type: 'A' } }],
    },
    canBack: true,
  });
  expect(pages).toEqual(['Pick one\n1. English\n0 Back 00 Home']);
});

describe('a long text body', () => {
  const words = Array.from({ length: 90 }, (_, i) => `word${i + 1}`);
  const screen: ScreenSpec = {
    id: 'terms',
    text: { literal: words.join(' ') },
    options: [
      { label: { literal: 'Accept' }, event: { type: 'YES' } },
      { label: { literal: 'Decline' }, event: { type: 'NO' } },
    ],
  };

  test.each([160, 182])('wraps across pages within %i characters, losing and repeating no word', (limit) => {
    const pages = render({ screen, limit });
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(gsm7Length(page)).toBeLessThanOrEqual(limit);
    const seen = pages
      .join('\n')
      .split(/[\n ]/)
      .filter((w) => /^word\d+$/.test(w));
    expect(seen).toEqual(words);
    // The options follow the text, still numbered 1 and 2.
    const opts = pages.flatMap(optionLines);
    expect(opts).toEqual(['1. Accept', '2. Decline']);
    pages.slice(0, -1).forEach((p) => expect(p.split('\n')).toContain('98 More'));
  });

  test('a word longer than a page is cut into pieces that each fit', () => {
    const long = 'x'.repeat(400);
    const pages = render({ screen: { id: 'long', text: { literal: long } } });
    for (const page of pages) expect(gsm7Length(page)).toBeLessThanOrEqual(160);
    expect(pages.join('\n').replace(/[^x]/g, '')).toBe(long);
  });
});

test('a long token with two-septet characters (€ [ ] |) is cut by septets, so every page still fits', () => {
  const token = '[KCSE|2025]€'.repeat(20); // no spaces: must be hard-cut
  const pages = render({ screen: { id: 'ref', text: { literal: token } } });
  for (const page of pages) expect(gsm7Length(page)).toBeLessThanOrEqual(160);
  expect(
    pages
      .join('\n')
      .replace(/\n?(98 More|00 Home|0 Back 00 Home)/g, '')
      .replace(/\n/g, ''),
  ).toBe(token);
});

describe('pages of a screen whose text holds extension characters (two septets each), cut where the standard says', () => {
  // Lengths here are worked out by hand: an option "n. " + ten € is 3 + 20 = 23 septets (13 characters).
  // Page 1: the title (4) and five options: 4 + 5 × 24 = 124, plus "98 More" and "00 Home" = 140 septets;
  // a sixth option would make 164. Counting € as one septet would fit ten options on the first page.
  const euros = '€'.repeat(10);
  const screen: ScreenSpec = {
    id: 'fees',
    text: { literal: 'Pick' },
    options: Array.from({ length: 12 }, (_, i) => ({
      label: { literal: euros },
      event: { type: 'PICK', i },
    })),
  };
  const lines = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `${from + i}. ${euros}`);

  test('five options a page, exactly', () => {
    const pages = renderPages({ lang: 'en', limit: 160, canBack: false, globals, screen });
    expect(pages).toEqual([
      { text: ['Pick', ...lines(1, 5), '98 More', '00 Home'].join('\n'), options: [1, 2, 3, 4, 5] },
      { text: [...lines(6, 10), '98 More', '0 Back 00 Home'].join('\n'), options: [6, 7, 8, 9, 10] },
      { text: [...lines(11, 12), '0 Back 00 Home'].join('\n'), options: [11, 12] },
    ]);
    expect(pages.map((p) => septets(p.text))).toEqual([140, 143, 64]);
  });

  test('a run of 200 € without a space is cut into pieces of 68 (136 septets), not 137 characters', () => {
    const pages = render({ screen: { id: 'ref', text: { literal: '€'.repeat(200) } } });
    expect(pages).toEqual([
      `${'€'.repeat(68)}\n98 More\n00 Home`,
      `${'€'.repeat(68)}\n98 More\n0 Back 00 Home`,
      `${'€'.repeat(64)}\n0 Back 00 Home`,
    ]);
    expect(pages.map(septets)).toEqual([152, 159, 143]);
  });

  test('a one-page screen at exactly the limit stays one page; one septet more makes two', () => {
    // "00 Home" (7) and its newline leave 152 septets: 76 "[" fill them exactly.
    const fits = render({ screen: { id: 'a', text: { literal: '['.repeat(76) } } });
    expect(fits).toEqual([`${'['.repeat(76)}\n00 Home`]);
    expect(septets(fits[0] as string)).toBe(160);
    const over = render({ screen: { id: 'b', text: { literal: `${'['.repeat(76)}x` } } });
    expect(over.length).toBe(2);
    for (const page of over) expect(septets(page)).toBeLessThanOrEqual(160);
  });
});

describe('END screens', () => {
  test('never carry navigation, whatever is behind them', () => {
    for (const canBack of [true, false]) {
      const [page, ...rest] = render({ screen: { id: 'help', text: 'help.text', end: true }, canBack });
      expect(rest).toEqual([]);
      expect(page).toBe(
        'CP2 Exam Council. Dial *384*22262# to create an account and apply for jobs. SMS HELP, PASSWORD or STATUS to 22262.',
      );
      expect(page).not.toMatch(/0 Back|00 Home|98 More/);
    }
  });

  test('too long for one response: one page within the limit, no More, no Back', () => {
    const pages = render({
      screen: { id: 'bye', text: { literal: 'goodbye '.repeat(40).trim() }, end: true },
    });
    expect(pages).toHaveLength(1);
    expect(gsm7Length(pages[0] as string)).toBeLessThanOrEqual(160);
    expect(pages[0]).not.toMatch(/98 More|0 Back|00 Home/);
  });
});

describe('notices', () => {
  test("the engine's refusal replaces the screen's own notice or error: never two answers on top", () => {
    const screen = { id: 'main.languageSaved', notice: 'language.saved', text: 'main.title', home: true };
    const refusal = 'Invalid choice. Enter a number below.';
    expect(render({ screen, notice: refusal })).toEqual([`${refusal}\nWelcome to CP2 Exam Council`]);
    expect(render({ screen })).toEqual(['Language set to English.\nWelcome to CP2 Exam Council']);
    const refused = { ...screen, error: 'password.trivial' };
    expect(render({ screen: refused })).toEqual([
      'Too easy to guess. Avoid 123456 or repeated digits.\nWelcome to CP2 Exam Council',
    ]);
    expect(render({ screen: refused, notice: refusal })).toEqual([`${refusal}\nWelcome to CP2 Exam Council`]);
  });

  test('a screen restored by Back shows neither its notice nor its error', () => {
    const screen = { id: 'x', notice: 'language.saved', error: 'password.trivial', text: 'main.title' };
    expect(render({ screen, quiet: true })).toEqual(['Welcome to CP2 Exam Council\n00 Home']);
  });

  test('a menu that would page because of a refusal on top drops its title instead', () => {
    const options = [
      'main.myProfile',
      'main.apply',
      'main.myApplications',
      'main.duties',
      'main.changePassword',
      'main.language',
      'main.help',
    ].map((label) => ({ label, event: { type: 'X' } }));
    const screen = { id: 'main', text: 'main.title', home: true, options };
    const pages = render({ screen, notice: 'Invalid choice. Enter a number below.' });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toBe(
      'Invalid choice. Enter a number below.\n1. My profile\n2. Apply for a job\n3. My applications\n4. My duties and pay\n5. Change password\n6. Language/Lugha\n7. Help',
    );
    // Without the refusal the title is there.
    expect(render({ screen })[0]?.startsWith('Welcome to CP2 Exam Council\n1. My profile')).toBe(true);
  });

  test('are translated into the Kiswahili copy', () => {
    const [page] = renderPages({
      lang: 'sw',
      limit: 160,
      canBack: true,
      globals,
      screen: { id: 'x', notice: 'language.saved', text: 'language.title', options: [] },
    });
    expect(page?.text).toBe('Lugha imewekwa kuwa Kiswahili.\nChagua lugha/Choose language\n0 Rudi 00 Mwanzo');
  });

  test('a notice on a long list starts the first page and every page still fits', () => {
    const notice = 'Invalid choice. Enter a number below.';
    const pages = render({ screen: countyScreen, notice, canBack: true });
    expect(pages[0]?.split('\n')[0]).toBe(notice);
    for (const page of pages) expect(gsm7Length(page)).toBeLessThanOrEqual(160);
    expect(pages.flatMap(optionLines)).toHaveLength(47);
  });
});

describe('which options each page shows (only those may be chosen on it)', () => {
  const pagesOf = (over: Partial<RenderRequest> & { screen: ScreenSpec }) =>
    renderPages({ lang: 'en', limit: 160, canBack: false, globals, ...over });
  const numbersIn = (text: string) => optionLines(text).map((l) => Number(l.split('.')[0]));

  test('a paged list: each page names exactly the numbers it shows, 1..47 once over all pages', () => {
    const pages = pagesOf({ screen: countyScreen, canBack: true });
    for (const page of pages) expect(page.options).toEqual(numbersIn(page.text));
    expect(pages.flatMap((p) => p.options)).toEqual(COUNTIES.map((_, i) => i + 1));
  });

  test('details that fill the first page: its only option is on the next page, not the first', () => {
    const screen: ScreenSpec = {
      id: 'details',
      lines: Array.from({ length: 8 }, (_, i) => ({ literal: `Detail ${i + 1}: ${'x'.repeat(14)}` })),
      options: [{ label: { literal: 'Confirm and submit' }, event: { type: 'SUBMIT' } }],
    };
    const pages = pagesOf({ screen, canBack: true });
    expect(pages.map((p) => p.options)).toEqual([[], [1]]);
    expect(pages[0]?.text).not.toContain('1. Confirm');
  });

  test('an option too long for a page counts on every page a piece of it is on', () => {
    const long = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    const screen: ScreenSpec = {
      id: 'long',
      text: { literal: 'Pick' },
      options: [
        { label: { literal: 'Short' }, event: { type: 'A' } },
        { label: { literal: `${long} ${long}` }, event: { type: 'B' } },
      ],
    };
    const pages = pagesOf({ screen });
    const withTwo = pages.filter((p) => p.options.includes(2));
    expect(withTwo.length).toBeGreaterThan(1);
    for (const page of withTwo) expect(page.text).toMatch(/w\d+/);
    expect(pages[0]?.options).toEqual([1]); // the long one starts on a page of its own
  });

  test('a screen that fits shows all its options; a free-input screen none', () => {
    expect(
      pagesOf({
        screen: {
          id: 's',
          options: [
            { label: { literal: 'A' }, event: { type: 'A' } },
            { label: { literal: 'B' }, event: { type: 'B' } },
          ],
        },
      }).map((p) => p.options),
    ).toEqual([[1, 2]]);
    expect(
      pagesOf({ screen: { id: 'i', text: { literal: 'Name?' }, input: { kind: 'text', min: 1, max: 9 } } })[0]
        ?.options,
    ).toEqual([]);
  });
});

describe('whatever the data holds, every page is GSM-7 and fits', () => {
  const hostile = 'Kisii ’ — “ô” … 😀 中文 Œuvre ﬁne € ‘x’';
  test.each([160, 182])('at %i characters', (limit) => {
    const pages = renderPages({
      lang: 'en',
      limit,
      canBack: true,
      globals,
      notice: `Notice ${hostile}`,
      screen: {
        id: 'data',
        text: { literal: `Title ${hostile}` },
        lines: Array.from({ length: 6 }, (_, i) => ({ literal: `Line ${i} ${hostile}` })),
        options: Array.from({ length: 6 }, (_, i) => ({
          label: { literal: `${hostile} ${i}` },
          event: { type: 'PICK', i },
        })),
      },
    });
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      expect(isGsm7(page.text)).toBe(true);
      expect(gsm7Length(page.text)).toBeLessThanOrEqual(limit);
    }
    const all = pages.map((p) => p.text).join('\n');
    expect(all).toContain("Kisii ' - \"o\" ... ? ?? OEuvre fine € 'x'");
  });
});
