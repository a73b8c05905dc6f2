// Accounts: one per phone number, created for the number that dials (the operator vouches for it).
// Credentials go out by SMS through the outbox, in the same transaction as the change. The writes are
// bounded by the hop's deadline (db/bounded-transaction.ts): a hop answered with an apology commits
// nothing, and a commit that races the deadline still tells the user by that SMS.
import type { Lang } from './language';
import { boundedTransaction } from '../db/bounded-transaction';
import type { Db } from '../db/knex';
import { enqueueSms, languageOf, type SmsTemplate } from './outbox';
import { generatePassword, hashPassword, isAcceptablePassword, verifyPassword } from './passwords';
import { usernameOf } from './phone';
import type { SectionId } from './profile-fields';
import { missingSectionsOf } from './profiles';
import { nextResetAt } from './reset-limit';
import { afterWrong, isLocked, LOGIN_LOCKOUT } from './lockout';
import { formatEat } from './time';

export type Account = {
  id: number;
  phone: string;
  username: string;
  password_hash: string;
  failed_logins: number;
  locked_until: Date | null;
  created_at: Date;
};

export type CreateResult = { status: 'created'; username: string } | { status: 'exists'; username: string };
export type LoginResult =
  | { status: 'ok'; accountId: number }
  | { status: 'wrong'; attemptsLeft: number }
  | { status: 'locked'; until: string }
  | { status: 'no_account' };
export type ResetResult =
  { status: 'sent'; username: string } | { status: 'limited'; retryAt: string } | { status: 'no_account' };
export type NewPasswordResult = { ok: true; hash: string } | { ok: false; reason: 'trivial' };

/** The warnings that advise SMS PASSWORD, and their form for a phone that has had its resets of the day. */
const RESET_LATER = {
  'sms.accountLocked': 'sms.accountLockedResetLater',
  'sms.passwordChanged': 'sms.passwordChangedResetLater',
} as const;

export type AccountDeps = { ussdCode: string; smsCode: string; now?: () => Date };

export function createAccounts(db: Db, deps: AccountDeps) {
  const now = deps.now ?? (() => new Date());

  async function credentialsSms(
    trx: Db,
    phone: string,
    template: SmsTemplate,
    password: string,
    lang?: Lang,
  ) {
    await enqueueSms(trx, {
      to: phone,
      template,
      lang: lang ?? (await languageOf(trx, phone)),
      params: { username: usernameOf(phone), password, code: deps.ussdCode, sms: deps.smsCode },
    });
  }

  /**
   * Checks a password: counts failures, locks after the fifth, clears on success. The hash is checked
   * (scrypt: tens of milliseconds of CPU) before any connection is held for it; the verdict is then
   * applied under the row's lock, judged on the row as it is then, so concurrent attempts are counted one
   * after the other and none gets past a lock set meanwhile (issue 16: 50 logins at once held all ten
   * pooled connections through their hashing).
   */
  async function attempt(where: { phone: string } | { id: number }, password: string): Promise<LoginResult> {
    const seen = await db<Account>('accounts').where(where).first();
    if (!seen) return { status: 'no_account' };
    if (seen.locked_until && seen.locked_until > now()) {
      return { status: 'locked', until: formatEat(seen.locked_until) };
    }
    const matches = await verifyPassword(password, seen.password_hash);
    const verdict = await boundedTransaction(db, async (trx): Promise<LoginResult | 'changed'> => {
      const account = await trx<Account>('accounts').where({ id: seen.id }).forUpdate().first();
      if (!account) return { status: 'no_account' };
      if (isLocked(account.locked_until, now())) {
        return { status: 'locked', until: formatEat(account.locked_until) };
      }
      // The password changed while it was being checked: check against the new one.
      if (account.password_hash !== seen.password_hash) return 'changed';
      if (matches) {
        if (account.failed_logins > 0 || account.locked_until) {
          await trx('accounts').where({ id: account.id }).update({ failed_logins: 0, locked_until: null });
        }
        return { status: 'ok', accountId: account.id };
      }
      const wrong = afterWrong(LOGIN_LOCKOUT, account.failed_logins, now());
      if (!wrong.locked) {
        await trx('accounts')
          .where({ id: account.id })
          .update({ failed_logins: wrong.failures, updated_at: now() });
        return { status: 'wrong', attemptsLeft: wrong.left };
      }
      const { until } = wrong;
      await trx('accounts')
        .where({ id: account.id })
        .update({ failed_logins: wrong.failures, locked_until: until, updated_at: now() });
      await enqueueSms(trx, {
        to: account.phone,
        lang: await languageOf(trx, account.phone),
        ...(await notYouAdvice(trx, account.id, 'sms.accountLocked', { time: formatEat(until) })),
      });
      return { status: 'locked', until: formatEat(until) };
    });
    return verdict === 'changed' ? attempt(where, password) : verdict;
  }

  /**
   * A warning SMS ends with "Not you? SMS PASSWORD" only while the limit allows a reset: after the
   * phone's 3 resets of the day, its `ResetLater` form says from when one is allowed.
   */
  async function notYouAdvice(
    trx: Db,
    accountId: number,
    template: keyof typeof RESET_LATER,
    params: Record<string, string>,
  ): Promise<{ template: SmsTemplate; params: Record<string, string> }> {
    const resetAt = await nextResetAt(trx, accountId, now());
    if (!resetAt) return { template, params: { ...params, sms: deps.smsCode } };
    return {
      template: RESET_LATER[template],
      params: { ...params, sms: deps.smsCode, resetTime: formatEat(resetAt) },
    };
  }

  return {
    async findByPhone(phone: string): Promise<Account | undefined> {
      return db<Account>('accounts').where({ phone }).first();
    },

    /** Creates the account and queues its credentials SMS; a second dial (even concurrent) gets `exists`. */
    async create(phone: string): Promise<CreateResult> {
      const username = usernameOf(phone);
      const password = generatePassword();
      const hash = await hashPassword(password);
      return boundedTransaction(db, async (trx) => {
        const inserted = await trx('accounts')
          .insert({ phone, username, password_hash: hash })
          .onConflict('phone')
          .ignore()
          .returning('id');
        if (inserted.length === 0) return { status: 'exists', username };
        await credentialsSms(trx, phone, 'sms.credentials', password);
        return { status: 'created', username };
      });
    },

    login(phone: string, password: string): Promise<LoginResult> {
      return attempt({ phone }, password);
    },

    /** The current password, checked under the same lockout rules as a login. */
    checkPassword(accountId: number, password: string): Promise<LoginResult> {
      return attempt({ id: accountId }, password);
    },

    /** Refuses easy passwords; otherwise returns the hash to confirm against and save. */
    async hashNewPassword(password: string): Promise<NewPasswordResult> {
      if (!isAcceptablePassword(password)) return { ok: false, reason: 'trivial' };
      return { ok: true, hash: await hashPassword(password) };
    },

    matchesHash: verifyPassword,

    async setPassword(accountId: number, hash: string): Promise<void> {
      await boundedTransaction(db, async (trx) => {
        const [account] = await trx('accounts')
          .where({ id: accountId })
          .update({ password_hash: hash, password_changed_at: now(), failed_logins: 0, updated_at: now() })
          .returning<{ id: number; phone: string }[]>(['id', 'phone']);
        if (!account) throw new Error('account not found');
        await enqueueSms(trx, {
          to: account.phone,
          lang: await languageOf(trx, account.phone),
          ...(await notYouAdvice(trx, account.id, 'sms.passwordChanged', {})),
        });
      });
    },

    /**
     * A new password, sent to the registered phone only; the old one stops working and a lock is lifted.
     * At most 3 per number per 24 hours, so the keyword cannot be used to bomb a phone. `lang` is the
     * language of the request (a Kiswahili keyword) when the phone has no saved choice.
     */
    async resetPassword(phone: string, channel: 'sms' | 'ussd', lang?: Lang): Promise<ResetResult> {
      const password = generatePassword();
      const hash = await hashPassword(password);
      return boundedTransaction(db, async (trx) => {
        const account = await trx<Account>('accounts').where({ phone }).forUpdate().first();
        if (!account) return { status: 'no_account' };
        const retryAt = await nextResetAt(trx, account.id, now());
        if (retryAt) return { status: 'limited', retryAt: formatEat(retryAt) };
        await trx('accounts').where({ id: account.id }).update({
          password_hash: hash,
          password_changed_at: now(),
          failed_logins: 0,
          locked_until: null,
          updated_at: now(),
        });
        await trx('password_resets').insert({ account_id: account.id, channel, created_at: now() });
        await credentialsSms(trx, phone, 'sms.passwordReset', password, lang);
        return { status: 'sent', username: account.username };
      });
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;

/** What STATUS by SMS reports about an account. */
export async function accountSummary(
  db: Db,
  phone: string,
): Promise<
  { accountId: number; username: string; registeredOn: Date; missingSections: SectionId[] } | undefined
> {
  const row = await db<Account>('accounts').where({ phone }).first('id', 'username', 'created_at');
  if (!row) return undefined;
  const missing = await missingSectionsOf(db, row.id);
  return {
    accountId: row.id,
    username: row.username,
    registeredOn: row.created_at,
    missingSections: missing,
  };
}
