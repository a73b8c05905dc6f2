// One zod schema per row kind of the operators' lists (counties, sub-counties, exams, activities,
// positions, duty stations, vacancies, deployments): the rules a row must keep on its own, field by field,
// each refusal a sentence naming the field and what was found, so that it reads well as `line N: …` in
// the CLI import (csv-import.ts) and as an issue of the admin API (http/admin/vacancies.ts), which share
// these schemas. What a row must keep against the database (known codes, a vacancy's frozen exam and
// activity) is checked by the kind that imports it.
import { z } from 'zod';
import { isControl } from './control-characters';
import { isGsm7, toGsm7 } from './gsm7';
import { isNationalId } from './profile-fields';
import { EAT_OFFSET, eatYear, isDay } from './time';
import { VACANCY_STATUSES, type VacancyStatus } from './vacancy-status';

export const COUNTY_COUNT = 47;
export const NAME_MAX = 60;
export const MAX_POSITIONS = 100_000;
/** The longest code of the lists (exams, activities, positions, duty stations, vacancies). */
export const CODE_MAX = 24;
const CODE = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,${CODE_MAX - 1}}$`);
/** A county's code: three digits (001 to 047 for the official ones). */
export const COUNTY_CODE = /^\d{3}$/;
export const TIME_HINT = '2026-12-01 08:00 (Nairobi time) or 2026-12-01T05:00Z';

/**
 * Why `name` cannot be shown on a USSD screen as it is, or undefined when it can. `field` names the
 * column in the message (`name_sw` for a Kiswahili name, checked by the same rules).
 */
export function nameProblem(name: string, field = 'name'): string | undefined {
  if (name === '') return `${field} is empty`;
  if ([...name].some(isControl)) return `${field} must be on one line, without control characters`;
  if (name.length > NAME_MAX) return `${field} is ${name.length} characters long, at most ${NAME_MAX}`;
  if (!isGsm7(name)) {
    const bad = [...new Set([...name].filter((ch) => !isGsm7(ch)))].join(' ');
    const suggestion = toGsm7(name);
    const hint =
      suggestion.split('?').length === name.split('?').length ? `; write it as "${suggestion}"` : '';
    return `${field} "${name}" has characters outside GSM-7 (${bad})${hint}`;
  }
  return undefined;
}

/** Why `code` cannot be the code of a `what` (exam, duty station, vacancy…), or undefined when it can. */
export function codeProblem(what: string, code: string): string | undefined {
  if (code === '') return `${what} code is empty`;
  if (!CODE.test(code)) {
    return `${what} code "${code}" must be 1 to 24 letters, digits, _ . or - (starting with a letter or digit)`;
  }
  return undefined;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** `2026-12-01 08:00` (Nairobi time), or ISO 8601 with `Z` or an offset. */
export function parseTime(text: string): Date | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '00', zone] = m as unknown as string[];
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return undefined;
  const offset = !zone
    ? EAT_OFFSET
    : zone === 'Z'
      ? 'Z'
      : zone.includes(':')
        ? zone
        : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A text field that `problem` checks (undefined: fine). */
function checked(problem: (text: string) => string | undefined) {
  return z.string().superRefine((text, ctx) => {
    const message = problem(text);
    if (message) ctx.addIssue({ code: 'custom', message });
  });
}

export const codeField = (what: string) =>
  checked((s) => codeProblem(what, s)).describe(
    `${what} code: 1 to 24 letters, digits, _ . or - (starting with a letter or digit)`,
  );
export const nameField = (field = 'name') => checked((s) => nameProblem(s, field));

// The codes as the admin API's parameters and filters take them (src/http/admin/), from the same rules.

/** A code in a filter (exam, activity, position): 1 to CODE_MAX characters once trimmed; looked up as is. */
export const codeFilter = z.string().trim().min(1).max(CODE_MAX);
/** A code parameter that must have the lists' code format (CODE); `message` when it has not. */
export const codeParam = (message: string) => z.string().regex(CODE, message);
/** A county code parameter or filter: three digits. */
export const countyCodeParam = z.string().regex(COUNTY_CODE, 'a county code: three digits');

/** A county code: three digits, 001 to 047 when `official`. */
const countyCodeField = (official: boolean) =>
  checked((code) => {
    if (!COUNTY_CODE.test(code)) return `county code "${code}" must be three digits (001 to 047)`;
    if (official && (Number(code) < 1 || Number(code) > COUNTY_COUNT)) {
      return `county code ${code} is not an official county code (001 to 047)`;
    }
    return undefined;
  });

/** A time the operator wrote (`opens_at`, `closes_at`), as the instant it names. */
export const timeField = (field: string) =>
  z.string().transform((text, ctx) => {
    const date = parseTime(text);
    if (date) return date;
    ctx.addIssue({
      code: 'custom',
      message: `${field} "${text}" is not a date and time: write it as ${TIME_HINT}`,
    });
    return z.NEVER;
  });

/**
 * A calendar day (`2026-12-03`, Nairobi): a duty's first or last day. An empty cell is no value (an
 * import then leaves the stored day as it is).
 */
export const dayField = (field: string) =>
  z
    .string()
    .transform((text, ctx) => {
      if (text === '') return undefined;
      if (isDay(text)) return text;
      ctx.addIssue({ code: 'custom', message: `${field} "${text}" is not a day: write it as 2026-12-03` });
      return z.NEVER;
    })
    .describe('a day, 2026-12-03 (Nairobi)');

/** A whole number of shillings from 1 to `max` (text in a CSV file). */
export const shillingsField = (field: string, max = 10_000_000) =>
  z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const text = String(value);
      const n = Number(text);
      if (/^\d+$/.test(text) && n >= 1 && n <= max) return n;
      ctx.addIssue({
        code: 'custom',
        message: `${field} "${text}" must be a whole number of shillings from 1 to ${max}`,
      });
      return z.NEVER;
    })
    .describe(`whole shillings, 1 to ${max}`);

/** How many people a vacancy takes: a whole number from 1 to MAX_POSITIONS (text in a CSV file). */
export const positionsField = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const text = String(value);
    const n = Number(text);
    if (/^\d+$/.test(text) && n >= 1 && n <= MAX_POSITIONS) return n;
    ctx.addIssue({
      code: 'custom',
      message: `positions "${text}" must be a whole number from 1 to ${MAX_POSITIONS}`,
    });
    return z.NEVER;
  })
  .describe(`a whole number from 1 to ${MAX_POSITIONS}`);

export const statusField = z
  .string()
  .transform((text, ctx) => {
    if ((VACANCY_STATUSES as readonly string[]).includes(text)) return text as VacancyStatus;
    ctx.addIssue({ code: 'custom', message: `status "${text}" must be open or closed` });
    return z.NEVER;
  })
  .describe('open or closed');

/** `counties`: code,name. */
export const countyRow = z.object({ code: countyCodeField(true), name: nameField() });

/** `sub-counties`: county_code,name (a known county: checked against the counties table). */
export const subCountyRow = z.object({ county_code: countyCodeField(false), name: nameField() });

/** `exams`, `activities`, `positions`: code,name and, optionally, name_sw (empty: none). */
export const namedRow = (noun: string) =>
  z.object({
    code: codeField(noun),
    name: nameField(),
    name_sw: checked((s) => (s === '' ? undefined : nameProblem(s, 'name_sw'))).optional(),
  });

/** `duty-stations`: code,name,type,county_code,sub_county (type and places: checked against the tables). */
export const dutyStationRow = z.object({
  code: codeField('duty station'),
  name: nameField(),
  type: z.string(),
  county_code: z.string(),
  sub_county: z.string(),
});

/**
 * `vacancies`: code,exam,activity,duty_station,position,positions,opens_at,closes_at,status. The codes
 * must exist and closes_at must follow opens_at: vacancies.ts checks both (`vacancyIssues`), for the
 * import and the admin API alike.
 */
export const vacancyRow = z.object({
  code: codeField('vacancy'),
  exam: z.string(),
  activity: z.string(),
  duty_station: z.string(),
  position: z.string(),
  positions: positionsField,
  opens_at: timeField('opens_at'),
  closes_at: timeField('closes_at'),
  status: statusField,
  duty_starts_on: dayField('duty_starts_on').optional(),
  duty_ends_on: dayField('duty_ends_on').optional(),
});
export type VacancyRow = z.output<typeof vacancyRow>;

/** `deployments`: national_id,duty_station,year (a known duty station: checked against the table). */
export const deploymentRow = z.object({
  national_id: checked((s) => (isNationalId(s) ? undefined : `national ID "${s}" must be 7 or 8 digits`)),
  duty_station: z.string(),
  year: z.string().transform((text, ctx) => {
    const current = eatYear(new Date());
    const year = Number(text);
    if (/^\d{4}$/.test(text) && year >= 1990 && year <= current) return year;
    ctx.addIssue({ code: 'custom', message: `year "${text}" must be from 1990 to ${current}` });
    return z.NEVER;
  }),
});

/** `rates`: exam,activity,position,daily_rate_kes (the codes: checked against the tables). */
export const rateRow = z.object({
  exam: z.string(),
  activity: z.string(),
  position: z.string(),
  daily_rate_kes: shillingsField('daily_rate_kes', 100_000),
});

/** An M-Pesa transaction reference: 10 capital letters and digits, e.g. QGH7K2L9PZ. */
export const MPESA_REF = /^[A-Z0-9]{10}$/;

/** `payments` (POST /admin/claims/payments): claim_id,mpesa_ref,amount_kes. */
export const paymentRow = z.object({
  claim_id: z.string().transform((text, ctx) => {
    if (/^\d{1,15}$/.test(text) && Number(text) > 0) return Number(text);
    ctx.addIssue({ code: 'custom', message: `claim_id "${text}" must be a claim number` });
    return z.NEVER;
  }),
  mpesa_ref: z.string().superRefine((text, ctx) => {
    if (!MPESA_REF.test(text)) {
      ctx.addIssue({
        code: 'custom',
        message: `mpesa_ref "${text}" must be 10 capital letters and digits, e.g. QGH7K2L9PZ`,
      });
    }
  }),
  amount_kes: shillingsField('amount_kes'),
});
