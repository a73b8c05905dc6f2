// Console pages Vacancies and Applications: the admin API's lists, a vacancy closed, applications reviewed
// one at a time or many at once (with the API's result for each), an applicant's profile and the SMS
// each decision sent.
import {
  APPLICATION_STATUSES,
  DECISION_REASON_MAX,
  UNDECIDED,
  activeCount,
  isUndecided,
} from '../../../domain/application-status';
import { VACANCY_OPEN, VACANCY_STATUSES, isClosable } from '../../../domain/vacancy-status';
import { api, problem, query, type Problem } from './api';
import { append, el, replace, show, when } from './dom';
import { button, input, messageLine, select, statusTag, table, type Column } from './widgets';

type Page<K extends string, R> = {
  total: number;
  total_is_estimate: boolean;
  next_cursor: string | null;
} & Record<K, R[]>;

type Vacancy = {
  id: number;
  code: string;
  exam: string;
  activity: string;
  position_name: string;
  duty_station: string;
  station_name: string;
  county_name: string;
  positions: number;
  approved: number;
  submitted: number;
  available: number;
  status: string;
};

type Application = {
  id: number;
  vacancy_id: number;
  vacancy_code: string;
  exam: string;
  position_name: string;
  station_code: string;
  station_name: string;
  county_code: string;
  status: string;
  phone: string;
  full_name: string | null;
  created_at: string;
};

type ApplicationDetail = Application & {
  username: string;
  profile: Record<string, unknown> | null;
  events: { status: string; actor: string; reason: string | null; at: string }[];
};

type Decision = Problem & { id: number; result: string; positions?: number; approved?: number };

type SentSms = {
  event: string;
  at: string;
  text: string;
  status: string;
  delivery_status: string | null;
  sent_at: string | null;
};

function fillRate(v: Vacancy): HTMLElement {
  const pct = v.positions > 0 ? Math.round((100 * v.approved) / v.positions) : 0;
  return el(
    'span',
    {},
    el('progress', { attrs: { max: String(v.positions), value: String(v.approved) } }),
    ` ${pct}%`,
  );
}

export function vacanciesPage(root: HTMLElement, go: (hash: string) => void): void {
  const exam = input('Exam', { placeholder: 'KCSE', name: 'exam' });
  const county = input('County code', { placeholder: '047', name: 'county', inputmode: 'numeric' });
  const status = select(
    'Status',
    [['', 'any'], ...VACANCY_STATUSES.map((s): [string, string] => [s, s])],
    VACANCY_OPEN,
    { name: 'status' },
  );
  const msg = messageLine();
  const summary = el('p', { class: 'hint' });
  const list = el('div');
  const more = button('More vacancies', () => void load(true));
  let cursor: string | null = null;
  let rows: Vacancy[] = [];

  const columns: Column<Vacancy>[] = [
    { title: 'Code', cell: (v) => v.code },
    { title: 'Exam', cell: (v) => `${v.exam} ${v.activity}` },
    { title: 'Position', cell: (v) => v.position_name },
    { title: 'Duty station', cell: (v) => `${v.station_name} (${v.duty_station})` },
    { title: 'County', cell: (v) => v.county_name },
    { title: 'Positions', cell: (v) => String(v.positions), num: true },
    { title: 'Applications', cell: (v) => String(activeCount(v)), num: true },
    { title: 'Approved', cell: (v) => String(v.approved), num: true },
    { title: 'Fill rate', cell: fillRate },
    { title: 'Status', cell: (v) => statusTag(v.status) },
    {
      title: '',
      cell: (v) =>
        el(
          'span',
          { class: 'actions' },
          button('Review', () => go(`#applications?vacancy=${v.id}`)),
          isClosable(v.status) ? button('Close', () => void close(v), 'red', { 'data-close': v.code }) : '',
        ),
    },
  ];

  async function close(v: Vacancy): Promise<void> {
    if (!window.confirm(`Close vacancy ${v.code}? It will no longer be offered on USSD.`)) return;
    const r = await api<Vacancy & Problem>('POST', `/vacancies/${v.id}/close`);
    if (r.status !== 200) return msg.say(`${v.code}: ${problem(r.body, r.status)}`, false);
    msg.say(`${v.code} is closed.`, true);
    rows = rows.map((x) => (x.id === v.id ? r.body : x));
    draw();
  }

  function draw(): void {
    replace(
      list,
      rows.length
        ? table(columns, rows, (v) => ({ 'data-vacancy': v.code }))
        : el('p', { class: 'hint' }, 'No vacancy matches.'),
    );
    more.classList.toggle('hidden', !cursor);
  }

  async function load(next = false): Promise<void> {
    msg.clear();
    const r = await api<Page<'vacancies', Vacancy> & Problem>(
      'GET',
      `/vacancies${query({
        exam: exam.input.value.trim(),
        county: county.input.value.trim(),
        status: status.select.value,
        limit: '25',
        cursor: next ? (cursor ?? undefined) : undefined,
      })}`,
    );
    if (r.status !== 200) return msg.say(problem(r.body, r.status), false);
    rows = next ? [...rows, ...r.body.vacancies] : r.body.vacancies;
    cursor = r.body.next_cursor;
    replace(
      summary,
      `${r.body.total}${r.body.total_is_estimate ? ' (about)' : ''} vacancies; ${rows.length} shown.`,
    );
    draw();
  }

  const filters = el(
    'form',
    { class: 'filters' },
    exam.label,
    county.label,
    status.label,
    el('button', { attrs: { type: 'submit' } }, 'Show'),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  replace(
    root,
    el('section', { class: 'card' }, el('h2', {}, 'Vacancies'), filters, msg.node, summary, list, more),
  );
  void load();
}

const RESULT_TEXT: Record<string, string> = {
  approved: 'approved',
  rejected: 'rejected',
  unchanged: 'unchanged (it already had this decision)',
};

function resultText(d: Decision, status: number): string {
  return RESULT_TEXT[d.result] ?? `${d.result}: ${problem(d, status)}`;
}

export function applicationsPage(root: HTMLElement, params: URLSearchParams): void {
  const vacancy = input('Vacancy id', {
    name: 'vacancy',
    inputmode: 'numeric',
    value: params.get('vacancy') ?? '',
  });
  const exam = input('Exam', { name: 'exam', placeholder: 'KCSE' });
  const county = input('County code', { name: 'county', placeholder: '047' });
  const status = select(
    'Status',
    [['', 'any'], ...APPLICATION_STATUSES.map((s): [string, string] => [s, s])],
    UNDECIDED,
    { name: 'status' },
  );
  const reason = input('Reason (kept in the audit trail, not sent)', {
    name: 'reason',
    maxlength: String(DECISION_REASON_MAX),
  });
  const msg = messageLine();
  const summary = el('p', { class: 'hint' });
  const list = el('div');
  const detail = el('section', { class: 'card detail hidden', attrs: { 'aria-label': 'Application' } });
  const more = button('More applications', () => void load(true));
  const selected = new Set<number>();
  const results = new Map<number, string>();
  let cursor: string | null = null;
  let rows: Application[] = [];

  const columns: Column<Application>[] = [
    {
      title: '',
      cell: (a) => {
        const box = el('input', { attrs: { type: 'checkbox', 'aria-label': `Select application ${a.id}` } });
        box.checked = selected.has(a.id);
        box.addEventListener('change', () => (box.checked ? selected.add(a.id) : selected.delete(a.id)));
        return box;
      },
    },
    { title: 'Id', cell: (a) => String(a.id), num: true },
    { title: 'Applicant', cell: (a) => el('span', { class: 'applicant' }, show(a.full_name)) },
    { title: 'Phone', cell: (a) => a.phone },
    { title: 'Vacancy', cell: (a) => `${a.vacancy_code} ${a.position_name}` },
    { title: 'Duty station', cell: (a) => a.station_name },
    { title: 'Status', cell: (a) => statusTag(a.status) },
    { title: 'Applied', cell: (a) => when(a.created_at) },
    { title: 'Result', cell: (a) => el('span', { class: 'result' }, results.get(a.id) ?? '') },
    { title: '', cell: (a) => button('View', () => void view(a.id), '', { 'data-view': String(a.id) }) },
  ];

  function draw(): void {
    replace(
      list,
      rows.length
        ? table(columns, rows, (a) => ({ 'data-application': String(a.id) }))
        : el('p', { class: 'hint' }, 'No application matches.'),
    );
    more.classList.toggle('hidden', !cursor);
  }

  async function load(next = false): Promise<void> {
    msg.clear();
    const r = await api<Page<'applications', Application> & Problem>(
      'GET',
      `/applications${query({
        vacancy: vacancy.input.value.trim(),
        exam: exam.input.value.trim(),
        county: county.input.value.trim(),
        status: status.select.value,
        limit: '50',
        cursor: next ? (cursor ?? undefined) : undefined,
      })}`,
    );
    if (r.status !== 200) return msg.say(problem(r.body, r.status), false);
    if (!next) selected.clear();
    rows = next ? [...rows, ...r.body.applications] : r.body.applications;
    cursor = r.body.next_cursor;
    replace(
      summary,
      `${r.body.total}${r.body.total_is_estimate ? ' (about)' : ''} applications; ${rows.length} shown.`,
    );
    draw();
  }

  async function decideSelected(decision: 'approve' | 'reject'): Promise<void> {
    const ids = rows.filter((a) => selected.has(a.id)).map((a) => a.id);
    if (!ids.length) return msg.say('Select one or more applications first.', false);
    const r = await api<{ results: Decision[]; counts: Record<string, number> } & Problem>(
      'POST',
      '/applications/review',
      {
        ids,
        decision,
        ...(reason.input.value.trim() ? { reason: reason.input.value.trim() } : {}),
      },
    );
    if (r.status !== 200) return msg.say(problem(r.body, r.status), false);
    for (const d of r.body.results) {
      results.set(d.id, resultText(d, d.result === 'notFound' ? 404 : 409));
      const row = rows.find((a) => a.id === d.id);
      if (row && (d.result === 'approved' || d.result === 'rejected')) row.status = d.result;
    }
    selected.clear();
    msg.say(
      Object.entries(r.body.counts)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', '),
      true,
    );
    draw();
  }

  async function decideOne(id: number, decision: 'approve' | 'reject', why: string): Promise<void> {
    const r = await api<Decision>('POST', `/applications/${id}/review`, {
      decision,
      ...(why ? { reason: why } : {}),
    });
    const text = resultText(r.body, r.status);
    results.set(id, text);
    const row = rows.find((a) => a.id === id);
    if (row && (r.body.result === 'approved' || r.body.result === 'rejected')) row.status = r.body.result;
    draw();
    await view(id, { text: `Application ${id}: ${text}`, ok: r.status === 200 });
  }

  async function view(id: number, note?: { text: string; ok: boolean }): Promise<void> {
    const [a, sms] = await Promise.all([
      api<ApplicationDetail & Problem>('GET', `/applications/${id}`),
      api<{ messages: SentSms[] } & Problem>('GET', `/applications/${id}/sms`),
    ]);
    detail.classList.remove('hidden');
    if (a.status !== 200) {
      replace(detail, el('p', { class: 'error' }, problem(a.body, a.status)));
      return;
    }
    const d = a.body;
    const line = messageLine();
    if (note) line.say(note.text, note.ok);
    const why = input('Reason (optional)', { maxlength: String(DECISION_REASON_MAX) });
    const profile = Object.entries(d.profile ?? {}).filter(([k]) => !k.endsWith('_at') && k !== 'id');
    replace(
      detail,
      el('h2', {}, `Application ${d.id}`),
      el('p', { class: 'applicant-name' }, show(d.full_name) || '(no name yet)'),
      el(
        'dl',
        {},
        ...[
          ['Phone', d.phone],
          ['Username', d.username],
          ['Vacancy', `${d.vacancy_code} ${d.position_name}`],
          ['Duty station', `${d.station_name} (${d.station_code})`],
          ['Status', d.status],
        ].flatMap(([k, v]) => [el('dt', {}, show(k)), el('dd', {}, show(v))]),
      ),
      isUndecided(d.status)
        ? el(
            'div',
            { class: 'actions' },
            why.label,
            button('Approve', () => void decideOne(d.id, 'approve', why.input.value.trim()), 'green', {
              'data-decide': 'approve',
            }),
            button('Reject', () => void decideOne(d.id, 'reject', why.input.value.trim()), 'red', {
              'data-decide': 'reject',
            }),
          )
        : '',
      line.node,
      el('h2', {}, 'SMS sent'),
      sms.status === 200 && sms.body.messages.length
        ? el(
            'ol',
            { class: 'sms-list' },
            ...sms.body.messages.map((m) =>
              el(
                'li',
                {},
                el('div', { class: 'hint' }, `${m.event} · ${when(m.at)} · ${m.delivery_status ?? m.status}`),
                el('div', { class: 'sms-text' }, m.text),
              ),
            ),
          )
        : el('p', { class: 'hint' }, sms.status === 200 ? 'None.' : problem(sms.body, sms.status)),
      el('h2', {}, 'Profile'),
      profile.length
        ? el(
            'dl',
            {},
            ...profile.flatMap(([k, v]) => [el('dt', {}, k.replace(/_/g, ' ')), el('dd', {}, show(v))]),
          )
        : el('p', { class: 'hint' }, 'No profile.'),
      el('h2', {}, 'History'),
      el(
        'ol',
        {},
        ...d.events.map((e) =>
          el('li', {}, `${when(e.at)} ${e.status} by ${e.actor}${e.reason ? `: ${e.reason}` : ''}`),
        ),
      ),
    );
    detail.scrollIntoView({ block: 'nearest' });
  }

  const filters = el(
    'form',
    { class: 'filters' },
    vacancy.label,
    exam.label,
    county.label,
    status.label,
    el('button', { attrs: { type: 'submit' } }, 'Show'),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  const selectAll = button('Select all shown', () => {
    for (const a of rows) if (isUndecided(a.status)) selected.add(a.id);
    draw();
  });
  const actions = el(
    'div',
    { class: 'actions' },
    selectAll,
    reason.label,
    button('Approve selected', () => void decideSelected('approve'), 'green', { 'data-bulk': 'approve' }),
    button('Reject selected', () => void decideSelected('reject'), 'red', { 'data-bulk': 'reject' }),
  );
  const main = el(
    'section',
    { class: 'card' },
    el('h2', {}, 'Applications'),
    filters,
    actions,
    msg.node,
    summary,
    list,
    more,
  );
  replace(root, el('div', { class: 'split' }, main, detail));
  append(root);
  void load();
}
