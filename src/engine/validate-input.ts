// Checks what the user typed against what the screen declared, before the machine sees it.
import type { InputSpec, MenuEvent, AnyScreenSpec, TextRef } from '../../menus/screen';
import { INPUT } from '../../menus/screen';
import { typedText } from '../domain/gsm7';

export type Validation = { ok: true; event: MenuEvent } | { ok: false; reason: TextRef };

function validateFree(spec: InputSpec, raw: string): Validation {
  // Text is kept and shown again on screens and in SMS: folded to GSM-7 here, or refused, so that the
  // user can type it again on the same screen.
  const typed = spec.kind === 'text' ? typedText(raw) : { ok: true as const, value: raw.trim() };
  if (!typed.ok) return { ok: false, reason: 'engine.invalidCharacters' };
  const value = typed.value;
  const reason: TextRef = spec.error ?? lengthReason(spec);
  if (value.length < spec.min || value.length > spec.max) return { ok: false, reason };
  if (spec.kind === 'digits' && !/^\d+$/.test(value)) return { ok: false, reason };
  if (spec.pattern && !new RegExp(spec.pattern, 'i').test(value)) {
    return { ok: false, reason: spec.error ?? 'engine.invalidPattern' };
  }
  return { ok: true, event: { type: INPUT, value } };
}

/** "Enter 6 to 12 digits.", or "Enter 4 digits." when only one length is allowed. */
function lengthReason(spec: InputSpec): TextRef {
  const unit = spec.kind === 'digits' ? 'Digits' : 'Text';
  return spec.min === spec.max
    ? { key: `engine.invalid${unit}Exact`, params: { n: spec.min } }
    : { key: `engine.invalid${unit}`, params: { min: spec.min, max: spec.max } };
}

export function validateInput(screen: AnyScreenSpec, raw: string): Validation {
  if (screen.input) return validateFree(screen.input, raw);
  const options = screen.options ?? [];
  const trimmed = raw.trim();
  const n = /^\d{1,2}$/.test(trimmed) ? Number(trimmed) : NaN;
  const option = Number.isInteger(n) && n >= 1 ? options[n - 1] : undefined;
  return option ? { ok: true, event: option.event } : { ok: false, reason: 'engine.invalidOption' };
}
