// Context shared by every journey, and how a journey reads its start input.
import type { BaseContext, Lang, MenuInput } from './screen';

export type SessionContext = BaseContext & {
  networkCode?: string;
  /** Whether `lang` came from the caller's saved choice (so it need not be looked up again). */
  langKnown: boolean;
  /** Undefined until looked up. */
  hasAccount?: boolean;
  /** Logged in during this USSD session (asked once per session). */
  authenticated: boolean;
  accountId?: number;
};

/** Keys carried across Back, Home and from one journey to the next. */
export const STICKY_KEYS = ['lang', 'langKnown', 'hasAccount', 'authenticated', 'accountId'] as const;

export function sessionContext(input: MenuInput): SessionContext {
  return {
    phone: input.phone,
    networkCode: input.networkCode,
    lang: (input.lang === 'sw' ? 'sw' : 'en') as Lang,
    langKnown: input.langKnown === true,
    hasAccount: typeof input.hasAccount === 'boolean' ? input.hasAccount : undefined,
    authenticated: input.authenticated === true,
    accountId: typeof input.accountId === 'number' ? input.accountId : undefined,
  };
}
