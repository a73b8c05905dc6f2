// Checks what the user typed against what the screen declared, before the machine sees it.
import type { InputSpec, MenuEvent, ScreenSpec, TextRef } from '../../menus/screen';
import { INPUT } from '../../menus/screen';

export type Validation = { ok: true; event: MenuEvent } | { ok: false; reason: TextRef };

function validateFree(spec: InputSpec, raw: string): Validation {
  const value = spec.kind === 'text' ? raw.trim().replace(/\s+/g, ' ') : raw.trim();
  const reason: TextRef =
    spec.error ??
    (spec.kind === 'digits'
      ? { key: 'engine.invalidDigits', params: { min: spec.min, max: spec.max } }
      : { key: 'engine.invalidText', params: { min: spec.min, max: spec.max } });
  if (value.length < spec.min || value.length > spec.max) return { ok: false, reason };
  if (spec.kind === 'digits' && !/^\d+$/.test(value)) return { ok: false, reason };
  if (spec.pattern && !new RegExp(spec.pattern, 'i').test(value)) {
    return { ok: false, reason: spec.error ?? 'engine.invalidPattern' };
  }
  return { ok: true, event: { type: INPUT, value } };
}

export function validateInput(screen: ScreenSpec, raw: string): Validation {
  if (screen.input) return validateFree(screen.input, raw);
  const options = screen.options ?? [];
  const trimmed = raw.trim();
  const n = /^\d{1,2}$/.test(trimmed) ? Number(trimmed) : NaN;
  const option = Number.isInteger(n) && n >= 1 ? options[n - 1] : undefined;
  return option ? { ok: true, event: option.event } : { ok: false, reason: 'engine.invalidOption' };
}
