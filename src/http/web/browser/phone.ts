// The web phone (GET /phone): a feature phone acting on the service exactly as Africa's Talking does.
// Each dial is a new sessionId; each answer is sent with AT's accumulated `text`; the end of a session
// is notified on /ussd/events (so the funnel counts it); SMS go to /sms/inbound, and the inbox is the
// simulator's (GET /simulator/messages). With WEBHOOK_TOKEN set the user types the token: the page never
// receives it from the service, and keeps it in this tab only.
import { append, byId, el, form, randomHex, replace, when } from './dom';
import { nextText, parseAnswer, parseDial } from './dial';

type Settings = {
  serviceCode: string;
  smsCode: string;
  screenLimit: number;
  networkCode: string;
  tokenRequired: boolean;
};

type Sms = { id: string; to: string; from: string; text: string; status: string; createdAt: string };

type Session = { id: string; text: string; dialled: string; startedAt: number; hops: number; open: boolean };

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const POLL_MS = 1000;

const ui = {
  msisdn: byId<HTMLInputElement>('msisdn'),
  dial: byId<HTMLInputElement>('dial'),
  dialForm: byId<HTMLFormElement>('dial-form'),
  call: byId<HTMLButtonElement>('call'),
  tokenRow: byId('token-row'),
  token: byId<HTMLInputElement>('token'),
  kind: byId('screen-kind'),
  count: byId('screen-count'),
  screen: byId('screen'),
  replyForm: byId<HTMLFormElement>('reply-form'),
  reply: byId<HTMLInputElement>('reply'),
  send: byId<HTMLButtonElement>('send'),
  keypad: byId('keypad'),
  hangup: byId<HTMLButtonElement>('hangup'),
  redial: byId<HTMLButtonElement>('redial'),
  inbox: byId('inbox'),
  inboxCount: byId('inbox-count'),
  inboxEmpty: byId('inbox-empty'),
  smsForm: byId<HTMLFormElement>('sms-form'),
  smsText: byId<HTMLInputElement>('sms-text'),
  smsCode: byId('sms-code'),
  smsStatus: byId('sms-status'),
};

let settings: Settings;
let session: Session | undefined;
let lastDialled: string | undefined;
let busy = false;

/** `?token=` when the service asked for the webhook token. */
function withToken(path: string): string {
  const token = ui.token.value;
  return settings.tokenRequired && token ? `${path}?token=${encodeURIComponent(token)}` : path;
}

function phone(): string {
  return ui.msisdn.value.trim();
}

function showScreen(kind: string, text: string, counted: boolean): void {
  ui.kind.textContent = kind;
  ui.screen.textContent = text;
  if (counted) {
    ui.count.textContent = `${text.length}/${settings.screenLimit} characters`;
    ui.count.classList.toggle('over', text.length > settings.screenLimit);
  } else {
    ui.count.textContent = '';
    ui.count.classList.remove('over');
  }
}

function setInSession(open: boolean): void {
  ui.reply.disabled = !open;
  ui.send.disabled = !open;
  ui.hangup.disabled = !open;
  ui.call.disabled = open;
  ui.redial.disabled = open || lastDialled === undefined;
  if (open) ui.reply.focus();
}

async function hop(s: Session): Promise<void> {
  busy = true;
  try {
    const res = await fetch(withToken('/ussd'), {
      method: 'POST',
      body: form({
        sessionId: s.id,
        serviceCode: settings.serviceCode,
        phoneNumber: phone(),
        networkCode: settings.networkCode,
        text: s.text,
      }),
    });
    s.hops += 1;
    if (res.status === 401) {
      s.open = false;
      showScreen(
        'refused',
        'The service refused the webhook token: type the right one and call again.',
        false,
      );
      return;
    }
    const { kind, screen } = parseAnswer(await res.text());
    showScreen(kind, screen, true);
    if (kind === 'END') await endSession(s, 'Success');
  } catch {
    s.open = false;
    showScreen('error', 'The service did not answer. Is it running?', false);
  } finally {
    busy = false;
    setInSession(s.open);
  }
}

/** AT's end-of-session notification: what the funnel report counts. */
async function endSession(s: Session, status: 'Success' | 'Incomplete'): Promise<void> {
  if (!s.open) return;
  s.open = false;
  await fetch(withToken('/ussd/events'), {
    method: 'POST',
    body: form({
      sessionId: s.id,
      serviceCode: settings.serviceCode,
      phoneNumber: phone(),
      networkCode: settings.networkCode,
      status,
      hopsCount: String(s.hops),
      durationInMillis: String(Date.now() - s.startedAt),
      date: new Date().toISOString(),
    }),
  }).catch(() => undefined);
}

async function call(dialled: string): Promise<void> {
  if (session?.open) await endSession(session, 'Incomplete');
  const parsed = parseDial(dialled, settings.serviceCode);
  if (!parsed.ok) {
    showScreen('not sent', parsed.reason, false);
    return;
  }
  if (!phone()) {
    showScreen('not sent', 'Type the phone number to act as first.', false);
    return;
  }
  localStorage.setItem('cp2.phone', phone());
  lastDialled = dialled;
  session = {
    id: `web-${randomHex(8)}`,
    text: parsed.text,
    dialled,
    startedAt: Date.now(),
    hops: 0,
    open: true,
  };
  showScreen('calling', 'Calling…', false);
  await hop(session);
}

async function answer(value: string): Promise<void> {
  if (!session?.open || busy) return;
  session.text = nextText(session.text, value);
  ui.reply.value = '';
  await hop(session);
}

// --- SMS inbox ---------------------------------------------------------------------------------------

const seen = new Set<string>();
let inboxPhone = '';
let shown = -1;

async function pollInbox(): Promise<void> {
  const to = phone();
  if (to !== inboxPhone) {
    inboxPhone = to;
    seen.clear();
    shown = -1;
  }
  if (!/^\+?\d{9,13}$/.test(to)) {
    renderInbox([], true);
    return;
  }
  try {
    const res = await fetch(`/simulator/messages?to=${encodeURIComponent(to)}`);
    if (!res.ok) return;
    const { messages } = (await res.json()) as { messages: Sms[] };
    if (to === phone() && messages.length !== shown) renderInbox(messages, shown === -1);
  } catch {
    // the service is down: the next poll tries again
  }
}

function renderInbox(messages: Sms[], first: boolean): void {
  shown = messages.length;
  ui.inboxCount.textContent = String(messages.length);
  ui.inboxEmpty.classList.toggle('hidden', messages.length > 0);
  const items = [...messages].reverse().map((m) => {
    const fresh = !first && !seen.has(m.id);
    return el(
      'li',
      { class: fresh ? 'fresh' : '', attrs: { 'data-id': m.id } },
      el('div', { class: 'meta' }, `From ${m.from} · ${when(m.createdAt)} · ${m.text.length} characters`),
      el('div', { class: 'body' }, m.text),
    );
  });
  for (const m of messages) seen.add(m.id);
  replace(ui.inbox, ...items);
}

async function sendSms(text: string): Promise<void> {
  const from = phone();
  if (!from) {
    ui.smsStatus.textContent = 'Type the phone number to act as first.';
    return;
  }
  const now = new Date();
  const res = await fetch(withToken('/sms/inbound'), {
    method: 'POST',
    body: form({
      from,
      to: settings.smsCode,
      text,
      date: now.toISOString().slice(0, 19).replace('T', ' '),
      id: `web-${randomHex(10)}`,
      linkId: randomHex(6),
      networkCode: settings.networkCode,
    }),
  }).catch(() => undefined);
  ui.smsStatus.textContent = !res
    ? 'The service did not answer.'
    : res.ok
      ? `Sent "${text}" to ${settings.smsCode}; the reply arrives in the inbox.`
      : res.status === 401
        ? 'The service refused the webhook token.'
        : `Not accepted (${res.status}).`;
  if (res?.ok) ui.smsText.value = '';
}

// --- wiring ------------------------------------------------------------------------------------------

async function start(): Promise<void> {
  settings = (await (await fetch('/phone/settings.json')).json()) as Settings;
  ui.msisdn.value = localStorage.getItem('cp2.phone') ?? '+254711000001';
  ui.dial.value = settings.serviceCode;
  ui.smsCode.textContent = settings.smsCode;
  ui.tokenRow.classList.toggle('hidden', !settings.tokenRequired);
  ui.token.value = sessionStorage.getItem('cp2.webhookToken') ?? '';
  ui.token.addEventListener('change', () => sessionStorage.setItem('cp2.webhookToken', ui.token.value));
  for (const key of KEYS) {
    append(
      ui.keypad,
      el(
        'button',
        {
          attrs: { type: 'button', 'data-key': key },
          onClick: () => {
            const target = session?.open ? ui.reply : ui.dial;
            target.value += key;
            target.focus();
          },
        },
        key,
      ),
    );
  }
  ui.dialForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void call(ui.dial.value);
  });
  ui.replyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void answer(ui.reply.value.trim());
  });
  ui.hangup.addEventListener('click', () => {
    const s = session;
    if (!s) return;
    void endSession(s, 'Incomplete').then(() => {
      showScreen('hung up', 'Call ended.', false);
      setInSession(false);
    });
  });
  ui.redial.addEventListener('click', () => {
    if (lastDialled) void call(lastDialled);
  });
  ui.smsForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void sendSms(ui.smsText.value.trim());
  });
  ui.msisdn.addEventListener('change', () => void pollInbox());
  setInSession(false);
  await pollInbox();
  setInterval(() => void pollInbox(), POLL_MS);
}

void start();
