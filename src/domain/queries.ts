// Teachers' queries (issue 12, docs/duties.md): asked on USSD (a topic, then up to 140 characters typed on
// one screen) or by SMS (`QUERY <text>` / `SWALI <text>`, topic Other); the teacher gets the reference by
// SMS. An operator answers once (`where status = OPEN`): the answer goes to the teacher by SMS in the
// same transaction (at most two segments) and the query closes. Asking and answering are duty_events rows.
import type { Knex } from 'knex';
import { boundedTransaction } from '../db/bounded-transaction';
import { countUpTo, type Total } from '../db/count';
import type { Db } from '../db/knex';
import { recordAdminAction } from './admin-audit';
import { translate } from './copy';
import { teacherActor, type Via } from './actors';
import { recordDutyEvents, subjectOf } from './duty-events';
import type { QueryResult, QueryTopic, QueryView } from './duty-types';
import { gsm7Length, toGsm7 } from './gsm7';
import { enqueueSms, languageOf } from './outbox';
import { smsBudget } from './sms-fit';
import {
  ANSWER_MAX,
  ANSWERED,
  OPEN,
  QUERY_MAX,
  QUERY_MIN,
  isAnswerable,
  type QueryStatus,
} from './query-status';
import { formatEatDate, systemClock, type Clock } from './time';
import { isControl } from './control-characters';

const REFERENCE_PREFIX = 'Q';
/** The reference a teacher quotes: `Q` and the query's number. */
export const queryReference = (id: number) => `${REFERENCE_PREFIX}${id}`;
/** The same reference written by SQL, for the query whose id is the column `id` (`q.id`). */
export const referenceSql = (id: string) => `'${REFERENCE_PREFIX}' || ${id}`;

/** What a teacher typed, as it is kept: control characters out, spaces collapsed. */
export function cleanQueryText(text: string): string {
  return [...text]
    .map((ch) => (isControl(ch) ? ' ' : ch))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

export type AskRequest = {
  accountId: number;
  phone: string;
  topic: QueryTopic;
  text: string;
  via: Via;
};

/**
 * What a teacher typed as a query, cleaned, or why it is refused: empty, shorter than QUERY_MIN or longer
 * than QUERY_MAX characters. The one check for USSD and SMS (both ask through `askIn`).
 */
export function checkQueryText(
  typed: string,
): { status: 'ok'; text: string } | Exclude<QueryResult, { status: 'sent' | 'noAccount' }> {
  const text = cleanQueryText(typed);
  if (text === '') return { status: 'empty' };
  if (text.length < QUERY_MIN) return { status: 'tooShort', min: QUERY_MIN };
  if (text.length > QUERY_MAX) return { status: 'tooLong', max: QUERY_MAX };
  return { status: 'ok', text };
}

/** Records a query in the caller's transaction and queues the SMS with its reference. */
export async function askIn(trx: Knex, req: AskRequest, at: Date): Promise<QueryResult> {
  const checked = checkQueryText(req.text);
  if (checked.status !== 'ok') return checked;
  const { text } = checked;
  const [row] = (await trx('queries')
    .insert({ account_id: req.accountId, topic: req.topic, text, created_at: at })
    .returning('id')) as { id: number }[];
  const id = (row as { id: number }).id;
  const reference = queryReference(id);
  await recordDutyEvents(trx, [
    {
      kind: 'query.asked',
      subject: subjectOf('query', id),
      actor: teacherActor(req.via, req.phone),
      at,
      details: { topic: req.topic },
    },
  ]);
  await enqueueSms(trx, {
    to: req.phone,
    template: 'sms.queryReceived',
    lang: await languageOf(trx, req.phone),
    params: { reference },
  });
  return { status: 'sent', reference };
}

export type QueryFilter = { status?: QueryStatus; after?: number; limit: number };

export type AnswerResult =
  | { id: number; result: 'answered' }
  | { id: number; result: 'notFound' }
  | { id: number; result: 'answeredAlready' }
  /** The SMS would take more than two segments: `over` characters too many. */
  | { id: number; result: 'tooLong'; over: number }
  /** The answer is empty, once cleaned, or longer than `max` (ANSWER_MAX) characters: nothing sent. */
  | { id: number; result: 'invalid'; max: number };

export function createQueries(db: Db, opts: { now?: Clock } = {}) {
  const now = opts.now ?? systemClock;
  return {
    /** A query from USSD, in a transaction bounded by the hop's deadline (db/bounded-transaction.ts). */
    ask(req: AskRequest): Promise<QueryResult> {
      return boundedTransaction(db, (trx) => askIn(trx, req, now()));
    },

    /** The account's queries, most recent first, `limit` of them after `after` (ids). */
    async ofAccount(
      accountId: number,
      page: { limit: number; after?: number },
    ): Promise<{ queries: QueryView[]; next?: number }> {
      const rows = (await db('queries')
        .where({ account_id: accountId })
        .modify((q) => {
          if (page.after !== undefined) void q.where('id', '<', page.after);
        })
        .orderBy('id', 'desc')
        .limit(page.limit + 1)
        .select('id', 'topic', 'text', 'status', 'answer', 'created_at')) as {
        id: number;
        topic: QueryTopic;
        text: string;
        status: QueryStatus;
        answer: string | null;
        created_at: Date;
      }[];
      const shown = rows.slice(0, page.limit);
      return {
        queries: shown.map((r) => ({
          id: r.id,
          reference: queryReference(r.id),
          topic: r.topic,
          text: r.text,
          status: r.status,
          answer: r.answer,
          askedOn: formatEatDate(r.created_at),
        })),
        next: rows.length > page.limit ? shown.at(-1)?.id : undefined,
      };
    },

    /** Queries (filter: status) after `f.after`, by id, with the total. */
    async list(f: QueryFilter): Promise<Total & { queries: Record<string, unknown>[] }> {
      const matching = () => {
        const q = db('queries as q');
        if (f.status) q.where('q.status', f.status);
        return q;
      };
      const [queries, total] = await Promise.all([
        matching()
          .join('accounts as ac', 'ac.id', 'q.account_id')
          .leftJoin('profiles as pr', 'pr.account_id', 'q.account_id')
          .where('q.id', '>', f.after ?? 0)
          .orderBy('q.id')
          .limit(f.limit)
          .select(
            'q.id',
            db.raw(`${referenceSql('q.id')} as reference`),
            'ac.phone',
            'pr.full_name',
            'q.topic',
            'q.text',
            'q.status',
            'q.answer',
            'q.created_at',
            'q.answered_at',
          ) as Promise<Record<string, unknown>[]>,
        countUpTo(db, matching().select(db.raw('1'))),
      ]);
      return { ...total, queries };
    },

    /** Answers an open query: the SMS (at most two segments) and the close commit together. */
    async answer(id: number, text: string, actor: string): Promise<AnswerResult> {
      const answer = cleanQueryText(text);
      if (answer === '' || answer.length > ANSWER_MAX) return { id, result: 'invalid', max: ANSWER_MAX };
      return db.transaction(async (trx) => {
        const q = (await trx('queries as q')
          .join('accounts as ac', 'ac.id', 'q.account_id')
          .where('q.id', id)
          .forUpdate('q')
          .first('q.status', 'ac.phone')) as { status: QueryStatus; phone: string | null } | undefined;
        if (!q) return { id, result: 'notFound' };
        if (!isAnswerable(q.status)) return { id, result: 'answeredAlready' };
        const lang = q.phone ? await languageOf(trx, q.phone) : 'en';
        const params = { reference: queryReference(id), answer };
        const over =
          gsm7Length(toGsm7(translate(lang, { key: 'sms.queryAnswer', params }))) -
          smsBudget('sms.queryAnswer');
        if (over > 0) return { id, result: 'tooLong', over };
        const at = now();
        await trx('queries')
          .where({ id, status: OPEN })
          .update({ status: ANSWERED, answer, answered_at: at });
        await recordDutyEvents(trx, [{ kind: 'query.answered', subject: subjectOf('query', id), actor, at }]);
        await recordAdminAction(trx, { actor, action: 'query.answer', target: `query:${id}` });
        if (q.phone) await enqueueSms(trx, { to: q.phone, template: 'sms.queryAnswer', lang, params });
        return { id, result: 'answered' };
      });
    },

    /** Open queries and the age of the oldest, for /metrics. */
    async openStats(): Promise<{ open: number; oldestSeconds: number }> {
      const row = (await db('queries')
        .where({ status: OPEN })
        .first(
          db.raw('count(*)::int as open'),
          db.raw('extract(epoch from now() - min(created_at))::float as oldest'),
        )) as { open: number | null; oldest: number | null } | undefined;
      return { open: Number(row?.open ?? 0), oldestSeconds: Math.max(0, Number(row?.oldest ?? 0)) };
    },
  };
}

export type Queries = ReturnType<typeof createQueries>;
