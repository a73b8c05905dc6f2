// What a dialled string means, as the network decides before AT calls the service: the service code
// itself (`*384*22262#`: text ""), or a direct dial (`*384*22262*2*1#`: text "2*1"), or another number.

export type Dialled = { ok: true; text: string } | { ok: false; reason: string };

export function parseDial(dialled: string, serviceCode: string): Dialled {
  const d = dialled.replace(/\s+/g, '');
  const base = serviceCode.slice(0, -1); // `*384*22262`
  if (d === serviceCode) return { ok: true, text: '' };
  if (d.startsWith(`${base}*`) && d.endsWith('#') && d.length > base.length + 2) {
    return { ok: true, text: d.slice(base.length + 1, -1) };
  }
  return {
    ok: false,
    reason: `Only ${serviceCode} (or a direct dial such as ${base}*2#) reaches this service.`,
  };
}

/** AT's `text` after one more answer: every input so far joined by `*`. */
export function nextText(text: string, answer: string): string {
  return text === '' ? answer : `${text}*${answer}`;
}

/** Splits `CON …` / `END …` as the phone shows it. */
export function parseAnswer(body: string): { kind: 'CON' | 'END'; screen: string } {
  if (body.startsWith('CON ')) return { kind: 'CON', screen: body.slice(4) };
  if (body.startsWith('END ')) return { kind: 'END', screen: body.slice(4) };
  return { kind: 'END', screen: body };
}
