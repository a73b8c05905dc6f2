// In-memory stand-ins for the domain services the menus call (menus/services.ts), for the fast test phone
// (test-phone.ts): no database, no SMS, data a test sets in a few lines. They follow the rules of the real
// services where a screen shows the difference (a wrong password counts down to a lock, a national ID is
// refused when another account has it, "open" means open, not full and not closed, lists are paged with
// cursors); the real services are tested against Postgres in tests/vacancies, tests/journeys and
// tests/accounts. Anything a test needs to force (a reset refused for the day, an application refused at
// submit) is a field it can set.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MenuServices } from '../../menus/services';
import type { Lang } from '../../menus/screen';
import type { LoginResult } from '../../src/domain/accounts';
import { afterWrong, isLocked, LOGIN_LOCKOUT } from '../../src/domain/lockout';
import { isAcceptablePassword } from '../../src/domain/passwords';
import { usernameOf } from '../../src/domain/phone';
import type { County, SubCounty } from '../../src/domain/places';
import {
  SECTIONS,
  missingSections,
  type FieldId,
  type ProfileValues,
  type SectionId,
} from '../../src/domain/profile-fields';
import { ACTIVE, isUndecided, type ApplicationStatus } from '../../src/domain/application-status';
import type { ProfileView } from '../../src/domain/profiles';
import { localName } from '../../src/domain/reference-names';
import { formatEat, formatEatDate } from '../../src/domain/time';
import {
  LEVELS,
  type ApplicationSummary,
  type ApplyResult,
  type Choice,
  type Filter,
  type Level,
  type VacancyDetails,
} from '../../src/domain/vacancy-types';

/** A reference name (exam, activity, station type, position) with its Kiswahili name, if any. */
export type Named = { code: string; name: string; nameSw?: string };

export type FakeVacancy = {
  id: number;
  exam: Named;
  activity: Named;
  stationType: Named;
  position: Named;
  county: County;
  subCounty: SubCounty;
  station: { code: string; name: string };
  positions: number;
  status: 'open' | 'closed';
  closesAt: Date;
};

export type FakeAccount = {
  id: number;
  phone: string;
  password: string;
  failedLogins: number;
  lockedUntil?: Date;
};

export type FakeApplication = {
  id: number;
  accountId: number;
  vacancyId: number;
  status: ApplicationStatus;
  createdAt: Date;
};

/** The shipped reference lists (data/*.csv): 47 counties, 290 sub-counties, ids in file order. */
function readPlaces(): { counties: County[]; subCounties: Map<string, SubCounty[]> } {
  const rows = (file: string) =>
    readFileSync(path.join(__dirname, '..', '..', 'data', file), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
  const counties = rows('counties.csv').map(([code, name]) => ({ code, name }) as County);
  const subCounties = new Map<string, SubCounty[]>();
  rows('sub-counties.csv').forEach(([county, name], i) => {
    const list = subCounties.get(county as string) ?? [];
    list.push({ id: i + 1, name: name as string });
    subCounties.set(county as string, list);
  });
  for (const list of subCounties.values()) list.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { counties, subCounties };
}
const PLACES = readPlaces();

export const EXAMS = {
  KCSE: { code: 'KCSE', name: 'KCSE' },
  KPSEA: { code: 'KPSEA', name: 'KPSEA' },
} satisfies Record<string, Named>;
export const ACTIVITIES = {
  supervision: {
    code: 'supervision',
    name: 'Supervision and invigilation',
    nameSw: 'Usimamizi na uangalizi wa mtihani',
  },
  marking: { code: 'marking', name: 'Marking', nameSw: 'Usahihishaji' },
} satisfies Record<string, Named>;
export const STATION_TYPES = {
  exam_centre: { code: 'exam_centre', name: 'Examination centre', nameSw: 'Kituo cha mtihani' },
  marking_centre: { code: 'marking_centre', name: 'Marking centre', nameSw: 'Kituo cha usahihishaji' },
} satisfies Record<string, Named>;
export const POSITIONS = {
  centre_manager: { code: 'centre_manager', name: 'Centre manager', nameSw: 'Meneja wa kituo' },
  supervisor: { code: 'supervisor', name: 'Supervisor', nameSw: 'Msimamizi' },
  invigilator: { code: 'invigilator', name: 'Invigilator', nameSw: 'Mwangalizi (Invigilator)' },
  examiner: { code: 'examiner', name: 'Examiner', nameSw: 'Msahihishaji' },
} satisfies Record<string, Named>;

/** The 47 counties of the shipped list, in code order. */
export const COUNTIES: readonly County[] = PLACES.counties;

/** A county by name, from the shipped list. */
export function county(name: string): County {
  const c = PLACES.counties.find((x) => x.name === name);
  if (!c) throw new Error(`no county ${name}`);
  return c;
}

/** A sub-county of a county, by name, from the shipped list. */
export function subCounty(countyName: string, name: string): SubCounty {
  const s = PLACES.subCounties.get(county(countyName).code)?.find((x) => x.name === name);
  if (!s) throw new Error(`no sub-county ${name} in ${countyName}`);
  return s;
}

/** A complete profile (every section), as a test account's starting point. */
export const COMPLETE_PROFILE: ProfileValues = {
  fullName: 'Jane Wanjiku Kamau',
  nationalId: '23456789',
  birthYear: '1985',
  gender: 'female',
  kraPin: 'A012345678Z',
  mpesaPhone: '+254711000001',
  mpesaName: 'Jane Wanjiku Kamau',
  qualificationLevel: 'degree',
  course: 'Education',
  institution: 'Kenyatta University',
  qualificationYear: '2008',
  employer: 'private',
  workInstitution: 'Moi Girls',
  designation: 'Teacher',
  workStartYear: '2010',
  county: '047',
  subCounty: String(subCounty('Nairobi', 'Westlands').id),
  kinName: 'John Kamau',
  kinPhone: '+254722000111',
  kinRelationship: 'spouse',
};

/** What each browse level reads of a vacancy: the value filtered on, and the name shown. */
const LEVEL_OF: Record<
  Level,
  (v: FakeVacancy, lang: Lang) => { value: string; label: string; sort: string }
> = {
  exam: (v, l) => named(v.exam, l),
  activity: (v, l) => named(v.activity, l),
  stationType: (v, l) => named(v.stationType, l),
  position: (v, l) => named(v.position, l),
  county: (v) => ({ value: v.county.code, label: v.county.name, sort: v.county.code }),
  subCounty: (v) => ({ value: String(v.subCounty.id), label: v.subCounty.name, sort: v.subCounty.name }),
};

/** Reference lists are ordered by their English name, and by the name shown in Kiswahili (as the domain). */
function named(n: Named, lang: Lang) {
  const label = localName(lang, n.name, n.nameSw);
  return { value: n.code, label, sort: lang === 'sw' && n.nameSw ? label : n.name };
}

/**
 * The world the fake services answer from. Every field is public: a test sets what it needs (an account,
 * a profile, vacancies) and reads what the menus did (the applications made, the profile saved, the SMS
 * that would have gone out).
 */
export class FakeWorld {
  now: () => Date = () => new Date();
  readonly accounts: FakeAccount[] = [];
  readonly languages = new Map<string, Lang>();
  readonly profiles = new Map<number, ProfileValues>();
  readonly vacancies: FakeVacancy[] = [];
  readonly applications: FakeApplication[] = [];
  /** What the real services would have queued as SMS: who, and which template. */
  readonly sms: { to: string; template: string; password?: string }[] = [];
  /** Every call the menus made, in order: `vacancies.choices`, `applications.apply`, … */
  readonly calls: string[] = [];
  /** Set: password resets are refused until this time (the 3-a-day limit reached). */
  resetLimitedUntil?: Date;
  /** Set: the next submit is refused with this (another session applied, the vacancy filled meanwhile). */
  nextApplyRefusal?: Exclude<ApplyResult['status'], 'submitted' | 'profileIncomplete'>;
  private seq = 1000;

  /** An account for `phone` with `password`; with `profile`, a profile too (`COMPLETE_PROFILE` by default). */
  addAccount(phone: string, password = '482913', profile: ProfileValues | null = null): FakeAccount {
    const account = { id: ++this.seq, phone, password, failedLogins: 0 };
    this.accounts.push(account);
    if (profile) this.profiles.set(account.id, { ...profile });
    return account;
  }

  /** A vacancy, open until next month, with one position, at a Nairobi examination centre by default. */
  addVacancy(v: Partial<Omit<FakeVacancy, 'id'>> = {}): FakeVacancy {
    const id = ++this.seq;
    const vacancy: FakeVacancy = {
      id,
      exam: EXAMS.KCSE,
      activity: ACTIVITIES.supervision,
      stationType: STATION_TYPES.exam_centre,
      position: POSITIONS.supervisor,
      county: county('Nairobi'),
      subCounty: subCounty('Nairobi', 'Westlands'),
      station: { code: `ST${id}`, name: `Station ${id} School` },
      positions: 1,
      status: 'open',
      closesAt: new Date(this.now().getTime() + 30 * 86_400_000),
      ...v,
    };
    this.vacancies.push(vacancy);
    return vacancy;
  }

  /** An application as another session (or the operator) would have made it. */
  addApplication(a: Omit<FakeApplication, 'id' | 'createdAt'> & { createdAt?: Date }): FakeApplication {
    const application = { id: ++this.seq, createdAt: this.now(), ...a };
    this.applications.push(application);
    return application;
  }

  account(phone: string): FakeAccount | undefined {
    return this.accounts.find((a) => a.phone === phone);
  }

  applicationsOf(accountId: number): FakeApplication[] {
    return this.applications.filter((a) => a.accountId === accountId);
  }

  private approved(v: FakeVacancy): number {
    return this.applications.filter((a) => a.vacancyId === v.id && a.status === 'approved').length;
  }

  available(v: FakeVacancy): number {
    return Math.max(v.positions - this.approved(v), 0);
  }

  private isOpen(v: FakeVacancy): boolean {
    return v.status === 'open' && v.closesAt > this.now() && this.available(v) > 0;
  }

  private open(filter: Filter, levels: readonly Level[] = LEVELS): FakeVacancy[] {
    return this.vacancies.filter(
      (v) =>
        this.isOpen(v) &&
        levels.every((l) => filter[l] === undefined || LEVEL_OF[l](v, 'en').value === filter[l]),
    );
  }

  private active(accountId: number): FakeApplication[] {
    return this.applicationsOf(accountId).filter((a) => ACTIVE.includes(a.status));
  }

  private vacancy(id: number): FakeVacancy | undefined {
    return this.vacancies.find((v) => v.id === id);
  }

  private view(accountId: number): ProfileView {
    const values = { ...this.profiles.get(accountId) };
    const missing = new Set(missingSections(values));
    const countyName = PLACES.counties.find((c) => c.code === values.county)?.name;
    const sub = [...PLACES.subCounties.values()].flat().find((s) => String(s.id) === values.subCounty);
    return {
      values,
      places: { county: countyName, subCounty: sub?.name },
      complete: Object.fromEntries(SECTIONS.map((s) => [s, !missing.has(s)])) as Record<SectionId, boolean>,
    };
  }

  private attempt(account: FakeAccount | undefined, password: string): LoginResult {
    if (!account) return { status: 'no_account' };
    if (isLocked(account.lockedUntil ?? null, this.now()))
      return { status: 'locked', until: formatEat(account.lockedUntil as Date) };
    if (password === account.password) {
      account.failedLogins = 0;
      account.lockedUntil = undefined;
      return { status: 'ok', accountId: account.id };
    }
    // The domain's lockout rule, over the fake's own account.
    const wrong = afterWrong(LOGIN_LOCKOUT, account.failedLogins, this.now());
    account.failedLogins = wrong.failures;
    if (!wrong.locked) return { status: 'wrong', attemptsLeft: wrong.left };
    account.lockedUntil = wrong.until;
    this.sms.push({ to: account.phone, template: 'sms.accountLocked' });
    return { status: 'locked', until: formatEat(account.lockedUntil) };
  }

  private summary(a: FakeApplication, lang: Lang): ApplicationSummary {
    const v = this.vacancy(a.vacancyId) as FakeVacancy;
    return {
      id: a.id,
      vacancyId: v.id,
      exam: localName(lang, v.exam.name, v.exam.nameSw),
      position: localName(lang, v.position.name, v.position.nameSw),
      station: v.station.name,
      status: a.status,
      appliedOn: formatEatDate(a.createdAt),
    };
  }

  /** The services, as the engine hands them to the menus. Each call is recorded in `calls`. */
  services(): MenuServices {
    const record =
      <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
      async (...args: A): Promise<R> => {
        this.calls.push(name);
        return fn(...args);
      };
    return {
      callers: {
        lookup: record('callers.lookup', (phone: string) => ({
          lang: this.languages.get(phone) ?? null,
          hasAccount: this.account(phone) !== undefined,
        })),
      },
      preferences: {
        setLanguage: record('preferences.setLanguage', (phone: string, lang: Lang) => {
          this.languages.set(phone, lang);
        }),
      },
      accounts: {
        create: record('accounts.create', (phone: string) => {
          if (this.account(phone)) return { status: 'exists' as const, username: usernameOf(phone) };
          const account = this.addAccount(phone, '739251');
          this.sms.push({ to: phone, template: 'sms.credentials', password: account.password });
          return { status: 'created' as const, username: usernameOf(phone) };
        }),
        login: record('accounts.login', (phone: string, password: string) =>
          this.attempt(this.account(phone), password),
        ),
        checkPassword: record('accounts.checkPassword', (accountId: number, password: string) =>
          this.attempt(
            this.accounts.find((a) => a.id === accountId),
            password,
          ),
        ),
        hashNewPassword: record('accounts.hashNewPassword', (password: string) =>
          isAcceptablePassword(password)
            ? { ok: true as const, hash: `fake$${password}` }
            : { ok: false as const, reason: 'trivial' as const },
        ),
        matchesHash: record(
          'accounts.matchesHash',
          (password: string, hash: string) => hash === `fake$${password}`,
        ),
        setPassword: record('accounts.setPassword', (accountId: number, hash: string) => {
          const account = this.accounts.find((a) => a.id === accountId);
          if (!account) throw new Error('account not found');
          account.password = hash.replace(/^fake\$/, '');
          this.sms.push({ to: account.phone, template: 'sms.passwordChanged' });
        }),
        resetPassword: record('accounts.resetPassword', (phone: string) => {
          const account = this.account(phone);
          if (!account) return { status: 'no_account' as const };
          if (this.resetLimitedUntil)
            return { status: 'limited' as const, retryAt: formatEat(this.resetLimitedUntil) };
          account.password = '615283';
          account.lockedUntil = undefined;
          this.sms.push({ to: phone, template: 'sms.passwordReset', password: account.password });
          return { status: 'sent' as const, username: usernameOf(phone) };
        }),
        erase: record('accounts.erase', (accountId: number) => {
          const i = this.accounts.findIndex((a) => a.id === accountId);
          if (i < 0) return { status: 'notFound' as const };
          this.accounts.splice(i, 1);
          return { status: 'erased' as const, withdrawn: 0 };
        }),
        paymentDue: record('accounts.paymentDue', (_accountId: number) => false),
      },
      profiles: {
        load: record('profiles.load', (accountId: number) => this.view(accountId)),
        save: record('profiles.save', (accountId: number, values: ProfileValues) => {
          const id = values.nationalId;
          const taken =
            id && [...this.profiles].some(([other, p]) => other !== accountId && p.nationalId === id);
          if (taken) return { ok: false as const, reason: 'duplicateId' as const };
          const saved = { ...this.profiles.get(accountId) };
          for (const [k, v] of Object.entries(values) as [FieldId, string][]) {
            if (v) saved[k] = v;
            else delete saved[k];
          }
          this.profiles.set(accountId, saved);
          return { ok: true as const };
        }),
        missing: record('profiles.missing', (accountId: number) =>
          missingSections(this.profiles.get(accountId) ?? {}),
        ),
      },
      places: {
        counties: record('places.counties', () => PLACES.counties),
        subCounties: record('places.subCounties', (code: string) => PLACES.subCounties.get(code) ?? []),
      },
      vacancies: {
        choices: record(
          'vacancies.choices',
          (level: Level, filter: Filter, lang: Lang = 'en', browse: { accountId?: number } = {}) => {
            const earlier = LEVELS.slice(0, LEVELS.indexOf(level));
            const seen = new Map<string, { value: string; label: string; sort: string }>();
            for (const v of this.open(filter, earlier)) {
              const c = LEVEL_OF[level](v, lang);
              seen.set(c.value, c);
            }
            const appliedIn = new Set(
              level === 'activity' && browse.accountId !== undefined && filter.exam !== undefined
                ? this.active(browse.accountId)
                    .map((a) => this.vacancy(a.vacancyId) as FakeVacancy)
                    .filter((v) => v.exam.code === filter.exam)
                    .map((v) => v.activity.code)
                : [],
            );
            return [...seen.values()]
              .sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : a.value < b.value ? -1 : 1))
              .map((c): Choice => ({
                value: c.value,
                label: c.label,
                ...(appliedIn.has(c.value) ? { applied: true } : {}),
              }));
          },
        ),
        matching: record(
          'vacancies.matching',
          (filter: Filter, page: Parameters<MenuServices['vacancies']['matching']>[1]) => {
            const limit = page.limit ?? 1000;
            const search = page.search?.trim().toLowerCase();
            const after = page.after;
            const rows = this.open(filter)
              .map((v) => ({
                id: v.id,
                station: v.station.name,
                code: v.station.code,
                available: this.available(v),
              }))
              .filter(
                (r) =>
                  !search || r.code.toLowerCase() === search || r.station.toLowerCase().startsWith(search),
              )
              .sort(
                (a, b) =>
                  b.available - a.available ||
                  (a.station < b.station ? -1 : a.station > b.station ? 1 : a.id - b.id),
              )
              .filter(
                (r) =>
                  !after ||
                  r.available < after.available ||
                  (r.available === after.available &&
                    (r.station > after.station || (r.station === after.station && r.id > after.id))),
              )
              .map(({ id, station, available }) => ({ id, station, available }));
            const vacancies = rows.slice(0, limit);
            const last = vacancies.at(-1);
            return { vacancies, next: rows.length > limit && last ? { ...last } : undefined };
          },
        ),
        details: record('vacancies.details', (id: number, lang: Lang = 'en'): VacancyDetails | undefined => {
          const v = this.vacancy(id);
          if (!v) return undefined;
          const n = (x: Named) => localName(lang, x.name, x.nameSw);
          return {
            id: v.id,
            exam: n(v.exam),
            activity: n(v.activity),
            station: v.station.name,
            stationType: n(v.stationType),
            position: n(v.position),
            county: v.county.name,
            subCounty: v.subCounty.name,
            available: this.available(v),
            closes: formatEat(v.closesAt),
          };
        }),
      },
      applications: {
        apply: record('applications.apply', (accountId: number, vacancyId: number): ApplyResult => {
          const missing = missingSections(this.profiles.get(accountId) ?? {});
          if (missing.length) return { status: 'profileIncomplete', missing };
          const refusal = this.nextApplyRefusal;
          this.nextApplyRefusal = undefined;
          if (refusal) return { status: refusal };
          const v = this.vacancy(vacancyId);
          if (!v || v.status !== 'open' || v.closesAt <= this.now()) return { status: 'closed' };
          if (this.available(v) <= 0) return { status: 'full' };
          const active = this.active(accountId);
          if (active.some((a) => a.vacancyId === vacancyId)) return { status: 'duplicate' };
          const series = active.map((a) => this.vacancy(a.vacancyId) as FakeVacancy);
          if (series.some((s) => s.exam.code === v.exam.code && s.activity.code === v.activity.code))
            return { status: 'sameSeries' };
          const application = this.addApplication({ accountId, vacancyId, status: 'submitted' });
          const account = this.accounts.find((a) => a.id === accountId) as FakeAccount;
          this.sms.push({ to: account.phone, template: 'sms.applicationSubmitted' });
          return { status: 'submitted', applicationId: application.id };
        }),
        list: record(
          'applications.list',
          (accountId: number, page: Parameters<MenuServices['applications']['list']>[1]) => {
            const limit = page.limit ?? 1000;
            const after = page.after;
            const rows = this.applicationsOf(accountId)
              .filter((a) => !page.withdrawable || isUndecided(a.status))
              .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
              .filter(
                (a) =>
                  !after ||
                  a.createdAt.toISOString() < after.createdAt ||
                  (a.createdAt.toISOString() === after.createdAt && a.id < after.id),
              );
            const shown = rows.slice(0, limit);
            const last = shown.at(-1);
            return {
              applications: shown.map((a) => this.summary(a, page.lang ?? 'en')),
              next:
                rows.length > limit && last
                  ? { createdAt: last.createdAt.toISOString(), id: last.id }
                  : undefined,
            };
          },
        ),
        withdraw: record('applications.withdraw', (accountId: number, applicationId: number) => {
          const a = this.applicationsOf(accountId).find((x) => x.id === applicationId);
          if (!a || !isUndecided(a.status)) return { status: 'notWithdrawable' as const };
          a.status = 'withdrawn';
          return { status: 'withdrawn' as const };
        }),
      },
      // Duties, payments and queries run against the real database in tests/journeys/duties.test.ts;
      // the fast phone's world has none of them.
      duties: {
        list: record('duties.list', () => ({ duties: [] })),
        details: record('duties.details', () => undefined),
        mark: record('duties.mark', () => ({ status: 'noDutyToday' as const })),
      },
      payments: { list: record('payments.list', () => ({ claims: [] })) },
      queries: {
        ask: record('queries.ask', () => ({ status: 'sent' as const, reference: 'Q1' })),
        list: record('queries.list', () => ({ queries: [] })),
      },
    };
  }
}
