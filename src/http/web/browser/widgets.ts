// Small pieces the console pages share: labelled inputs, selects, tables, a message line.
import { el, replace, show } from './dom';

export function input(
  label: string,
  attrs: Record<string, string> = {},
): { label: HTMLLabelElement; input: HTMLInputElement } {
  const i = el('input', { attrs: { autocomplete: 'off', ...attrs } });
  return { label: el('label', {}, label, i), input: i };
}

export function select(
  label: string,
  options: [string, string][],
  value = '',
  attrs: Record<string, string> = {},
): { label: HTMLLabelElement; select: HTMLSelectElement } {
  const s = el('select', { attrs });
  for (const [v, text] of options) s.appendChild(el('option', { attrs: { value: v } }, text));
  s.value = value;
  return { label: el('label', {}, label, s), select: s };
}

export function button(
  text: string,
  onClick: () => void,
  cls = '',
  attrs: Record<string, string> = {},
): HTMLButtonElement {
  return el('button', { class: cls, attrs: { type: 'button', ...attrs }, onClick }, text);
}

export type Column<R> = { title: string; cell: (row: R) => Node | string; num?: boolean };

export function table<R>(
  columns: Column<R>[],
  rows: R[],
  rowAttrs?: (r: R) => Record<string, string>,
): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { class: c.num ? 'num' : '' }, c.title)))),
      el(
        'tbody',
        {},
        ...rows.map((r) =>
          el(
            'tr',
            { attrs: rowAttrs?.(r) ?? {} },
            ...columns.map((c) => el('td', { class: c.num ? 'num' : '' }, c.cell(r))),
          ),
        ),
      ),
    ),
  );
}

export function statusTag(status: unknown): HTMLElement {
  const s = show(status);
  return el('span', { class: `status ${/^[a-z]+$/.test(s) ? s : ''}` }, s);
}

/** A line for the result of the last action: `ok` green, else red. */
export function messageLine(): {
  node: HTMLElement;
  say: (text: string, ok: boolean) => void;
  clear: () => void;
} {
  const node = el('p', { attrs: { role: 'status' } });
  return {
    node,
    say: (text, ok) => {
      node.className = ok ? 'ok' : 'error';
      replace(node, text);
    },
    clear: () => replace(node),
  };
}
