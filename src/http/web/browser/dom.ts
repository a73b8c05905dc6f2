// The one way the pages put things on screen: elements built with text nodes, never HTML. Whatever a
// teacher typed (a name like `<img src=x onerror=alert(1)>`) can only ever be text here.

type Child = Node | string | number | null | undefined | false;

export type Props = {
  class?: string;
  /** Attributes set with setAttribute (never `style` or an `on…` handler: the CSP refuses both). */
  attrs?: Record<string, string>;
  onClick?: () => void;
};

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  if (props.onClick) node.addEventListener('click', props.onClick);
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(
      typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c,
    );
  }
}

/** Replaces what `parent` holds. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

/** A value from JSON as text to show: null and undefined as an empty cell. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** An ISO time as Nairobi's local time, `2026-12-01 14:05`. */
export function when(v: unknown): string {
  if (typeof v !== 'string') return show(v);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const eat = new Date(d.getTime() + 3 * 3600_000);
  return eat.toISOString().slice(0, 16).replace('T', ' ');
}

/** Random hex (a session id, an SMS id): crypto.getRandomValues works on plain http too. */
export function randomHex(bytes: number): string {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}
