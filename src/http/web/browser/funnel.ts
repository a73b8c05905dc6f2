// Console page Funnel: per journey, sessions that started it, completed it and where the rest stopped,
// for a chosen period, drawn as SVG by this code (no chart service, no library).
import { api, problem, query, type Problem } from './api';
import { el, replace } from './dom';
import { button, input, messageLine, table } from './widgets';

type Journey = {
  journey: string;
  started: number;
  completed: number;
  stopped: { screen: string; count: number }[];
};
type Funnel = { from: string; to: string; sessions: number; journeys: Journey[] };

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One row per journey: a bar as long as the sessions that started it, completed in green, each stop in orange. */
export function funnelChart(journeys: Journey[]): SVGSVGElement {
  const width = 720;
  const labelW = 150;
  const barW = width - labelW - 90;
  const rowH = 34;
  const max = Math.max(1, ...journeys.map((j) => j.started));
  const chart = svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${width} ${Math.max(1, journeys.length) * rowH + 10}`,
    role: 'img',
    'aria-label': 'Sessions that started, completed and stopped each journey',
  });
  journeys.forEach((j, i) => {
    const y = 5 + i * rowH;
    const scale = (n: number) => (n / max) * barW;
    chart.appendChild(svg('text', { x: 0, y: y + 18 }, j.journey));
    const started = svg('rect', { class: 'started', x: labelW, y, width: scale(j.started), height: 22 });
    started.appendChild(svg('title', {}, `${j.journey}: ${j.started} started`));
    chart.appendChild(started);
    const done = svg('rect', { class: 'completed', x: labelW, y, width: scale(j.completed), height: 22 });
    done.appendChild(svg('title', {}, `${j.journey}: ${j.completed} completed`));
    chart.appendChild(done);
    let x = labelW + scale(j.completed);
    for (const s of j.stopped) {
      const w = scale(s.count);
      const stop = svg('rect', { class: 'stopped', x, y: y + 4, width: Math.max(0, w - 1), height: 14 });
      stop.appendChild(svg('title', {}, `${j.journey}: ${s.count} stopped at ${s.screen}`));
      chart.appendChild(stop);
      x += w;
    }
    const pct = j.started ? Math.round((100 * j.completed) / j.started) : 0;
    chart.appendChild(
      svg('text', { x: labelW + scale(j.started) + 6, y: y + 16 }, `${j.completed}/${j.started} (${pct}%)`),
    );
  });
  return chart;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function funnelPage(root: HTMLElement): void {
  const from = input('From', {
    type: 'date',
    name: 'from',
    value: isoDay(new Date(Date.now() - 7 * 86400_000)),
  });
  const to = input('To (not included; empty: now)', { type: 'date', name: 'to' });
  const msg = messageLine();
  const out = el('div');

  async function load(): Promise<void> {
    msg.clear();
    const r = await api<Funnel & Problem>(
      'GET',
      `/reports/funnel${query({ from: from.input.value, to: to.input.value })}`,
    );
    if (r.status !== 200) return msg.say(problem(r.body, r.status), false);
    const f = r.body;
    replace(
      out,
      el('p', { class: 'hint' }, `${f.sessions} sessions ended from ${f.from} to ${f.to}.`),
      el(
        'p',
        { class: 'legend' },
        el('span', {}, el('span', { class: 'sw started' }), 'started'),
        el('span', {}, el('span', { class: 'sw completed' }), 'completed'),
        el('span', {}, el('span', { class: 'sw stopped' }), 'stopped (one block per last screen)'),
      ),
      f.journeys.length
        ? funnelChart(f.journeys)
        : el('p', { class: 'hint' }, 'No journey was started in this period.'),
      el('h2', {}, 'Where the rest stopped'),
      table(
        [
          { title: 'Journey', cell: (j: Journey) => j.journey },
          { title: 'Started', cell: (j: Journey) => String(j.started), num: true },
          { title: 'Completed', cell: (j: Journey) => String(j.completed), num: true },
          {
            title: 'Stopped at (sessions)',
            cell: (j: Journey) => j.stopped.map((s) => `${s.screen} (${s.count})`).join(', '),
          },
        ],
        f.journeys,
      ),
    );
  }

  const preset = (label: string, days: number) =>
    button(label, () => {
      from.input.value = isoDay(new Date(Date.now() - days * 86400_000));
      to.input.value = '';
      void load();
    });
  const filters = el(
    'form',
    { class: 'filters' },
    from.label,
    to.label,
    el('button', { attrs: { type: 'submit' } }, 'Show'),
    preset('Today', 0),
    preset('7 days', 7),
    preset('30 days', 30),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  replace(root, el('section', { class: 'card' }, el('h2', {}, 'Funnel'), filters, msg.node, out));
  void load();
}
