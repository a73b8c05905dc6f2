// The profile as the portal groups it: 5 sections, one short USSD screen per field. Each field says how
// it is asked (typed, chosen from a list, a county), how it is checked and when it is required. Pure: no
// database, so the menus can check an entry as it is typed.
import { GSM7_ACCENTED_LETTERS } from './gsm7';
import { normalisePhone } from './phone';
import { eatYear } from './time';

export const SECTIONS = ['personal', 'payment', 'qualification', 'workstation', 'nextOfKin'] as const;
export type SectionId = (typeof SECTIONS)[number];

/** Every field, in the order a section asks them. */
export const FIELD_IDS = [
  'fullName',
  'nationalId',
  'birthYear',
  'gender',
  'kraPin',
  'email',
  'mpesaPhone',
  'mpesaName',
  'bankName',
  'bankBranch',
  'bankAccount',
  'qualificationLevel',
  'course',
  'institution',
  'qualificationYear',
  'employer',
  'tscNumber',
  'workInstitution',
  'designation',
  'workStartYear',
  'county',
  'subCounty',
  'kinName',
  'kinPhone',
  'kinRelationship',
] as const;
export type FieldId = (typeof FIELD_IDS)[number];

export type ProfileValues = Partial<Record<FieldId, string>>;

type Params = Record<string, string | number>;
type Check = { ok: true; value: string } | { ok: false; reason: string; params?: Params };
/** What an entry is checked against: the account's phone, today, and the profile as known so far. */
type Ctx = { accountPhone: string; now: Date; values?: ProfileValues };

export type FieldDef = {
  section: SectionId;
  column: string;
  /** How it is asked: typed (digits or text), chosen from `choices`, or picked from the place lists. */
  kind: 'digits' | 'text' | 'choice' | 'county' | 'subCounty';
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** What to say when the entry has the wrong length or characters (else the engine's generic words). */
  error?: string;
  /** Entering `1` keeps the default (the account's phone) or skips an optional field. */
  shortcut?: 'useAccountPhone' | 'skip';
  /** Whether the field is asked and required, given the section's other values. */
  applies?: (values: ProfileValues) => boolean;
  optional?: boolean;
  check?: (raw: string, ctx: Ctx) => Check;
};

const ok = (value: string): Check => ({ ok: true, value });
const no = (reason: string, params?: Params): Check =>
  params ? { ok: false, reason, params } : { ok: false, reason };

// A name's letters: A-Z and the accented ones GSM-7 keeps as typed (Müller, Renée); others were folded.
const LETTER = `A-Za-z${GSM7_ACCENTED_LETTERS}`;
const NAME = new RegExp(`^[${LETTER}][${LETTER}' -]*$`);
const HAS_LETTER = new RegExp(`[${LETTER}]`);

/** Letters, spaces, ' and - only; at least two words for a full name. */
function checkName(words: number) {
  return (raw: string): Check => {
    const v = raw.trim().replace(/\s+/g, ' ');
    if (!NAME.test(v)) return no('profile.error.nameLetters');
    if (v.split(' ').filter((w) => HAS_LETTER.test(w)).length < words) return no('profile.error.twoNames');
    return ok(v);
  };
}

/** A Kenyan national ID number: 7 or 8 digits (the profile and the deployments import alike). */
export function isNationalId(text: string): boolean {
  return /^\d{7,8}$/.test(text);
}

function checkYear(opts: { minAge?: number; maxAge?: number; from?: number }) {
  return (raw: string, { now }: Ctx): Check => {
    const year = Number(raw);
    // Nairobi's year: the server's own time zone would still say last year on 1 January before 03:00.
    const current = eatYear(now);
    if (!/^\d{4}$/.test(raw) || year > current) return no('profile.error.yearFuture');
    if (opts.minAge !== undefined) {
      const maxAge = opts.maxAge ?? 200;
      const age = current - year;
      if (age < opts.minAge || age > maxAge) return no('profile.error.age', { minAge: opts.minAge, maxAge });
    }
    // The limits are said with the values checked: the copy has placeholders, not the numbers.
    if (opts.from !== undefined && year < opts.from) return no('profile.error.yearOld', { from: opts.from });
    return ok(raw);
  };
}

function checkPhone(raw: string): Check {
  const e164 = normalisePhone(raw);
  return e164 ? ok(e164) : no('profile.error.phone');
}

const text =
  (min: number, max: number) =>
  (raw: string): Check => {
    const v = raw.trim().replace(/\s+/g, ' ');
    return v.length >= min && v.length <= max ? ok(v) : no('profile.error.length');
  };

const hasBank = (v: ProfileValues) => Boolean(v.bankName);

export const FIELDS: Record<FieldId, FieldDef> = {
  fullName: { section: 'personal', column: 'full_name', kind: 'text', min: 3, max: 60, check: checkName(2) },
  nationalId: {
    section: 'personal',
    column: 'national_id',
    kind: 'digits',
    min: 7,
    max: 8,
    error: 'profile.error.nationalId',
    check: (raw) => (isNationalId(raw) ? ok(raw) : no('profile.error.nationalId')),
  },
  birthYear: {
    section: 'personal',
    column: 'birth_year',
    kind: 'digits',
    min: 4,
    max: 4,
    check: checkYear({ minAge: 18, maxAge: 75 }),
  },
  gender: { section: 'personal', column: 'gender', kind: 'choice', choices: ['male', 'female'] },
  kraPin: {
    section: 'personal',
    column: 'kra_pin',
    kind: 'text',
    min: 11,
    max: 11,
    error: 'profile.error.kraPin',
    check: (raw) =>
      /^A\d{9}[A-Z]$/i.test(raw.trim()) ? ok(raw.trim().toUpperCase()) : no('profile.error.kraPin'),
  },
  email: {
    section: 'personal',
    column: 'email',
    kind: 'text',
    min: 1,
    max: 80,
    optional: true,
    shortcut: 'skip',
    check: (raw) =>
      /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/.test(raw.trim())
        ? ok(raw.trim().toLowerCase())
        : no('profile.error.email'),
  },
  mpesaPhone: {
    section: 'payment',
    column: 'mpesa_phone',
    kind: 'digits',
    min: 1,
    max: 13,
    shortcut: 'useAccountPhone',
    check: checkPhone,
  },
  mpesaName: { section: 'payment', column: 'mpesa_name', kind: 'text', min: 3, max: 60, check: checkName(2) },
  bankName: {
    section: 'payment',
    column: 'bank_name',
    kind: 'text',
    min: 1,
    max: 40,
    optional: true,
    shortcut: 'skip',
    check: (raw) => (/^[\d\s./-]+$/.test(raw.trim()) ? no('profile.error.bankName') : text(2, 40)(raw)),
  },
  bankBranch: {
    section: 'payment',
    column: 'bank_branch',
    kind: 'text',
    min: 2,
    max: 40,
    optional: true,
    applies: hasBank,
    check: text(2, 40),
  },
  bankAccount: {
    section: 'payment',
    column: 'bank_account',
    kind: 'digits',
    min: 5,
    max: 20,
    optional: true,
    applies: hasBank,
  },
  qualificationLevel: {
    section: 'qualification',
    column: 'qualification_level',
    kind: 'choice',
    choices: ['certificate', 'diploma', 'degree', 'masters', 'phd'],
  },
  course: { section: 'qualification', column: 'course', kind: 'text', min: 2, max: 60, check: text(2, 60) },
  institution: {
    section: 'qualification',
    column: 'institution',
    kind: 'text',
    min: 2,
    max: 60,
    check: text(2, 60),
  },
  qualificationYear: {
    section: 'qualification',
    column: 'qualification_year',
    kind: 'digits',
    min: 4,
    max: 4,
    check: checkYear({ from: 1950 }),
  },
  employer: {
    section: 'workstation',
    column: 'employer',
    kind: 'choice',
    choices: ['tsc', 'private', 'other'],
  },
  tscNumber: {
    section: 'workstation',
    column: 'tsc_number',
    kind: 'digits',
    min: 3,
    max: 10,
    applies: (v) => v.employer === 'tsc',
  },
  workInstitution: {
    section: 'workstation',
    column: 'work_institution',
    kind: 'text',
    min: 2,
    max: 60,
    check: text(2, 60),
  },
  designation: {
    section: 'workstation',
    column: 'designation',
    kind: 'text',
    min: 2,
    max: 40,
    check: text(2, 40),
  },
  workStartYear: {
    section: 'workstation',
    column: 'work_start_year',
    kind: 'digits',
    min: 4,
    max: 4,
    check: checkYear({ from: 1950 }),
  },
  county: { section: 'workstation', column: 'county_code', kind: 'county' },
  subCounty: { section: 'workstation', column: 'sub_county_id', kind: 'subCounty' },
  kinName: { section: 'nextOfKin', column: 'kin_name', kind: 'text', min: 3, max: 60, check: checkName(2) },
  kinPhone: {
    section: 'nextOfKin',
    column: 'kin_phone',
    kind: 'digits',
    min: 9,
    max: 13,
    check: (raw, ctx) => {
      const checked = checkPhone(raw);
      return checked.ok && checked.value === ctx.accountPhone ? no('profile.error.kinOwnPhone') : checked;
    },
  },
  kinRelationship: {
    section: 'nextOfKin',
    column: 'kin_relationship',
    kind: 'choice',
    choices: ['spouse', 'parent', 'child', 'sibling', 'other'],
  },
};

export function field(id: FieldId): FieldDef {
  return FIELDS[id];
}

/** The section's fields in the order they are asked. */
export function sectionFields(section: SectionId): FieldId[] {
  return FIELD_IDS.filter((id) => FIELDS[id].section === section);
}

/** The fields asked for the section, given what is known so far (a TSC number only for TSC, …). */
export function applicableFields(section: SectionId, values: ProfileValues): FieldId[] {
  return sectionFields(section).filter((id) => (field(id).applies ?? (() => true))(values));
}

/** Checks one typed or chosen entry and returns the value to keep. */
export function checkEntry(id: FieldId, raw: string, ctx: Ctx): Check {
  const def = field(id);
  if (def.shortcut === 'skip' && raw.trim() === '1') return ok('');
  if (def.shortcut === 'useAccountPhone' && raw.trim() === '1') return ok(ctx.accountPhone);
  if (def.choices) return def.choices.includes(raw) ? ok(raw) : no('profile.error.choice');
  const own = def.check ? def.check(raw, ctx) : ok(raw.trim());
  if (!own.ok) return own;
  return checkYears(id, own.value, ctx.values ?? {}) ?? own;
}

/** A qualification is completed at 15 or later; work starts at 18 or later, and after the qualification. */
const QUALIFIED_FROM_AGE = 15;
const WORKING_FROM_AGE = 18;

/**
 * The years of different sections checked against each other once both are known, whichever is entered
 * last: a refusal names the year it clashes with, so the user knows which one to correct.
 */
function checkYears(id: FieldId, value: string, known: ProfileValues): Check | undefined {
  const y = { ...known, [id]: value };
  const born = Number(y.birthYear) || undefined;
  const qualified = Number(y.qualificationYear) || undefined;
  const started = Number(y.workStartYear) || undefined;
  if (id === 'birthYear' || id === 'qualificationYear') {
    if (born && qualified && qualified - born < QUALIFIED_FROM_AGE)
      return no('profile.error.qualifiedTooYoung', { born: born, year: qualified });
  }
  if (id === 'birthYear' || id === 'workStartYear') {
    if (born && started && started - born < WORKING_FROM_AGE)
      return no('profile.error.workedTooYoung', { born: born, year: started });
  }
  if (id === 'qualificationYear' || id === 'workStartYear') {
    if (qualified && started && started < qualified)
      return no('profile.error.workBeforeQualification', { qualified, year: started });
  }
  return undefined;
}

export function isSectionComplete(section: SectionId, values: ProfileValues): boolean {
  return applicableFields(section, values).every((id) => field(id).optional || Boolean(values[id]));
}

export function missingSections(values: ProfileValues): SectionId[] {
  return SECTIONS.filter((s) => !isSectionComplete(s, values));
}
