// Console pages Queries, Attendance and Claims (issue 12's operator routes): lists, and the actions the
// API offers: answer a query, show a station's code of the day, approve or reject a claim.
import { CLAIM_REASON_MAX, CLAIM_STATUSES, PENDING, isDecidable } from '../../../domain/claim-status';
import { ANSWER_MAX, OPEN, QUERY_STATUSES, isAnswerable } from '../../../domain/query-status';
import { kes } from '../../../domain/duty-types';
import { api, problem, query, type Problem } from './api';
import { el, replace, show, when } from './dom';
import { button, input, messageLine, select, statusTag, table } from './widgets';

type Query = {
  id: number;
  reference: string;
  phone: string;
  full_name: string | null;
  topic: string;
  text: string;
  status: string;
  answer: string | null;
  created_at: string;
};

type Claim = {
  id: number;
  phone: string;
  exam: string;
  position: string;
  duty_station: string;
  station_name: string;
  days: number;
  daily_rate_kes: number;
  amount_kes: number;
  status: string;
  reason: string | null;
  mpesa_ref: string | null;
};

type Attendance = {
  application_id: number;
  phone: string;
  full_name: string | null;
  exam: string;
  position: string;
  checked_in_at: string | null;
  checked_out_at: string | null;
};

type List<K extends string, R> = { total: number; next_cursor: string | null } & Record<K, R[]>;

export function queriesPage(root: HTMLElement): void {
  const status = select(
    'Status',
    [...QUERY_STATUSES.map((s): [string, string] => [s, s]), ['', 'any']],
    OPEN,
  );
  const msg = messageLine();
  const out = el('div');

  async function answer(q: Query, text: string): Promise<void> {
    const r = await api<Problem>('POST', `/queries/${q.id}/answer`, { text });
    if (r.status !== 200) return msg.say(`${q.reference}: ${problem(r.body, r.status)}`, false);
    msg.say(`${q.reference} answered; the teacher gets it by SMS.`, true);
    await load(false);
  }

  async function load(clear = true): Promise<void> {
    if (clear) msg.clear();
    const r = await api<List<'queries', Query> & Problem>(
      'GET',
      `/queries${query({ status: status.select.value, limit: '100' })}`,
    );
    if (r.status !== 200) return msg.say(problem(r.body, r.status), false);
    replace(
      out,
      el('p', { class: 'hint' }, `${r.body.total} queries.`),
      table(
        [
          { title: 'Ref', cell: (q: Query) => q.reference },
          { title: 'Teacher', cell: (q: Query) => `${show(q.full_name)} ${q.phone}` },
          { title: 'Topic', cell: (q: Query) => q.topic },
          { title: 'Question', cell: (q: Query) => q.text },
          { title: 'Asked', cell: (q: Query) => when(q.created_at) },
          { title: 'Status', cell: (q: Query) => statusTag(q.status) },
          {
            title: 'Answer',
            cell: (q: Query) => {
              if (!isAnswerable(q.status)) return show(q.answer);
              const box = el('textarea', {
                attrs: { rows: '2', maxlength: String(ANSWER_MAX), 'aria-label': `Answer to ${q.reference}` },
              });
              return el(
                'div',
                {},
                box,
                button('Send answer', () => void answer(q, box.value.trim()), 'green'),
              );
            },
          },
        ],
        r.body.queries,
      ),
    );
  }

  const filters = el(
    'form',
    { class: 'filters' },
    status.label,
    el('button', { attrs: { type: 'submit' } }, 'Show'),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  replace(root, el('section', { class: 'card' }, el('h2', {}, 'Queries'), filters, msg.node, out));
  void load();
}

/** Today in Nairobi, YYYY-MM-DD. */
function nairobiToday(): string {
  return new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
}

export function attendancePage(root: HTMLElement): void {
  const station = input('Duty station code', { placeholder: 'NBI-EC01', name: 'duty_station', required: '' });
  const day = input('Day', { type: 'date', name: 'date', value: nairobiToday(), required: '' });
  const msg = messageLine();
  const out = el('div');
  const params = () => query({ duty_station: station.input.value.trim(), date: day.input.value });

  async function load(): Promise<void> {
    msg.clear();
    const r = await api<{ attendance: Attendance[] } & Problem>('GET', `/attendance${params()}`);
    if (r.status !== 200) return msg.say(problem(r.body, r.status), false);
    replace(
      out,
      r.body.attendance.length
        ? table(
            [
              { title: 'Application', cell: (a: Attendance) => String(a.application_id), num: true },
              { title: 'Teacher', cell: (a: Attendance) => `${show(a.full_name)} ${a.phone}` },
              { title: 'Duty', cell: (a: Attendance) => `${a.exam} ${a.position}` },
              { title: 'Checked in', cell: (a: Attendance) => when(a.checked_in_at) },
              { title: 'Checked out', cell: (a: Attendance) => when(a.checked_out_at) },
            ],
            r.body.attendance,
          )
        : el('p', { class: 'hint' }, 'Nobody is on duty at this station that day.'),
    );
  }

  async function code(): Promise<void> {
    const r = await api<{ code?: string } & Problem>('GET', `/attendance-codes${params()}`);
    if (r.status !== 200) return msg.say(problem(r.body, r.status), false);
    msg.say(
      `Code of the day for ${station.input.value.trim()} on ${day.input.value}: ${show(r.body.code)} (this is recorded in the audit trail)`,
      true,
    );
  }

  const filters = el(
    'form',
    { class: 'filters' },
    station.label,
    day.label,
    el('button', { attrs: { type: 'submit' } }, 'Show'),
    button('Code of the day', () => void code()),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  replace(root, el('section', { class: 'card' }, el('h2', {}, 'Attendance'), filters, msg.node, out));
}

export function claimsPage(root: HTMLElement): void {
  const status = select(
    'Status',
    [...CLAIM_STATUSES.map((s): [string, string] => [s, s]), ['', 'any']],
    PENDING,
  );
  const reason = input('Reason for a rejection (sent to the teacher)', {
    maxlength: String(CLAIM_REASON_MAX),
  });
  const msg = messageLine();
  const out = el('div');

  async function decide(c: Claim, decision: 'approve' | 'reject'): Promise<void> {
    const why = reason.input.value.trim();
    if (decision === 'reject' && !why) return msg.say('Type the reason for the rejection first.', false);
    const r = await api<Problem>(
      'POST',
      `/claims/${c.id}/${decision}`,
      decision === 'reject' ? { reason: why } : undefined,
    );
    if (r.status !== 200) return msg.say(`Claim ${c.id}: ${problem(r.body, r.status)}`, false);
    msg.say(`Claim ${c.id}: ${show(r.body.result)}; the teacher gets an SMS.`, true);
    await load(false);
  }

  async function load(clear = true): Promise<void> {
    if (clear) msg.clear();
    const r = await api<List<'claims', Claim> & Problem>(
      'GET',
      `/claims${query({ status: status.select.value, limit: '100' })}`,
    );
    if (r.status !== 200) return msg.say(problem(r.body, r.status), false);
    replace(
      out,
      el('p', { class: 'hint' }, `${r.body.total} claims.`),
      table(
        [
          { title: 'Id', cell: (c: Claim) => String(c.id), num: true },
          { title: 'Phone', cell: (c: Claim) => c.phone },
          { title: 'Duty', cell: (c: Claim) => `${c.exam} ${c.position} at ${c.station_name}` },
          { title: 'Days', cell: (c: Claim) => String(c.days), num: true },
          { title: 'KES a day', cell: (c: Claim) => kes(c.daily_rate_kes), num: true },
          { title: 'Amount KES', cell: (c: Claim) => kes(c.amount_kes), num: true },
          { title: 'Status', cell: (c: Claim) => statusTag(c.status) },
          { title: 'Reason / M-Pesa', cell: (c: Claim) => show(c.reason ?? c.mpesa_ref) },
          {
            title: '',
            cell: (c: Claim) =>
              isDecidable(c.status)
                ? el(
                    'span',
                    { class: 'actions' },
                    button('Approve', () => void decide(c, 'approve'), 'green'),
                    button('Reject', () => void decide(c, 'reject'), 'red'),
                  )
                : '',
          },
        ],
        r.body.claims,
      ),
    );
  }

  const filters = el(
    'form',
    { class: 'filters' },
    status.label,
    el('button', { attrs: { type: 'submit' } }, 'Show'),
    reason.label,
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  replace(root, el('section', { class: 'card' }, el('h2', {}, 'Claims'), filters, msg.node, out));
  void load();
}
