// The domain services the engine provides to the menus. Menus call these and nothing else: no database,
// no HTTP.
import type { CreateResult, LoginResult, NewPasswordResult, ResetResult } from '../src/domain/accounts';
import type { County, SubCounty } from '../src/domain/places';
import type { EraseResult } from '../src/domain/personal-data/erasure';
import type { ProfileValues, SectionId } from '../src/domain/profile-fields';
import type { ProfileView, SaveResult } from '../src/domain/profiles';
import type {
  ApplicationPage,
  ApplicationQuery,
  ApplyResult,
  BrowseFor,
  Choice,
  Filter,
  Level,
  VacancyDetails,
  VacancyPage,
  VacancyQuery,
  WithdrawResult,
} from '../src/domain/vacancy-types';
import type { MarkRequest } from '../src/domain/attendance';
import type {
  DutyDetails,
  DutyPage,
  MarkResult,
  PaymentPage,
  QueryPage,
  QueryResult,
} from '../src/domain/duty-types';
import type { AskRequest } from '../src/domain/queries';
import type { Lang } from './screen';

export type { CreateResult, LoginResult, NewPasswordResult, ResetResult };

export interface MenuServices {
  callers: {
    /** What the main menu needs to know about the number dialling, in one look-up. */
    lookup(phone: string): Promise<{ lang: Lang | null; hasAccount: boolean }>;
  };
  preferences: {
    setLanguage(phone: string, lang: Lang): Promise<void>;
  };
  accounts: {
    create(phone: string): Promise<CreateResult>;
    login(phone: string, password: string): Promise<LoginResult>;
    checkPassword(accountId: number, password: string): Promise<LoginResult>;
    hashNewPassword(password: string): Promise<NewPasswordResult>;
    matchesHash(password: string, hash: string): Promise<boolean>;
    setPassword(accountId: number, hash: string): Promise<void>;
    resetPassword(phone: string, channel: 'sms' | 'ussd'): Promise<ResetResult>;
    /** Erases the account and its profile (what the council must keep stays, pseudonymous). */
    erase(accountId: number): Promise<EraseResult>;
    /** Whether the council still owes the account for a duty: erasure waits until it is paid. */
    paymentDue(accountId: number): Promise<boolean>;
  };
  profiles: {
    load(accountId: number): Promise<ProfileView>;
    save(accountId: number, values: ProfileValues): Promise<SaveResult>;
    /** The sections still missing: applying is refused until there are none. */
    missing(accountId: number): Promise<SectionId[]>;
  };
  places: {
    counties(): Promise<County[]>;
    subCounties(countyCode: string): Promise<SubCounty[]>;
  };
  vacancies: {
    /**
     * The choices at `level` that still have open vacancies under the choices made so far, named in
     * `lang`; `browse` marks the activities its account already applied in.
     */
    choices(level: Level, filter: Filter, lang?: Lang, browse?: BrowseFor): Promise<Choice[]>;
    /** One page of the matching open vacancies (most positions available first), narrowed by `search`. */
    matching(filter: Filter, page: VacancyQuery): Promise<VacancyPage>;
    /** One vacancy; its exam, activity, station type and position named in `lang`. */
    details(vacancyId: number, lang?: Lang): Promise<VacancyDetails | undefined>;
  };
  applications: {
    apply(accountId: number, vacancyId: number): Promise<ApplyResult>;
    /** A page of the account's applications, most recent first. */
    list(accountId: number, page: ApplicationQuery): Promise<ApplicationPage>;
    withdraw(accountId: number, applicationId: number, actor: string): Promise<WithdrawResult>;
  };
  /** An approved application is a duty (docs/duties.md). */
  duties: {
    /** A page of the account's duties, most recent first. */
    list(accountId: number, page: { limit: number; after?: number; lang: Lang }): Promise<DutyPage>;
    /** One duty with its attendance and its claim; undefined when it is not the account's duty. */
    details(accountId: number, applicationId: number, lang: Lang): Promise<DutyDetails | undefined>;
    /** Check in or out with the station's code for today. */
    mark(req: MarkRequest): Promise<MarkResult>;
  };
  payments: {
    /** A page of the account's claims, most recent first. */
    list(accountId: number, page: { limit: number; after?: number; lang: Lang }): Promise<PaymentPage>;
  };
  queries: {
    ask(req: AskRequest): Promise<QueryResult>;
    /** A page of the account's queries, most recent first. */
    list(accountId: number, page: { limit: number; after?: number }): Promise<QueryPage>;
  };
}
