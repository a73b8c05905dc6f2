// The operator console (GET /console): sign in with an operator token, then pages over the admin API.
// Nothing here has a power of its own: every request is the admin API's, with its checks and its audit.
import { api, SignedOut, token, whenSignedOut } from './api';
import { byId, el, replace } from './dom';
import { attendancePage, claimsPage, queriesPage } from './duties';
import { funnelPage } from './funnel';
import { applicationsPage, vacanciesPage } from './review';

const PAGES = ['vacancies', 'applications', 'funnel', 'queries', 'attendance', 'claims'] as const;
type PageName = (typeof PAGES)[number];

const ui = {
  nav: byId('nav'),
  signIn: byId<HTMLFormElement>('sign-in'),
  token: byId<HTMLInputElement>('token'),
  error: byId('sign-in-error'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  page: byId('page'),
};

function signedOut(why: string): void {
  ui.nav.classList.add('hidden');
  ui.signIn.classList.remove('hidden');
  replace(ui.page);
  ui.error.textContent = why;
  ui.token.focus();
}

function go(hash: string): void {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function route(): void {
  if (!token.get()) return signedOut('');
  ui.signIn.classList.add('hidden');
  ui.nav.classList.remove('hidden');
  const [name = '', params = ''] = location.hash.slice(1).split('?');
  const page: PageName = (PAGES as readonly string[]).includes(name) ? (name as PageName) : 'vacancies';
  for (const a of Array.from(ui.nav.querySelectorAll('a'))) {
    a.classList.toggle('current', a.dataset.page === page);
  }
  const root = el('div', { attrs: { 'data-page': page } });
  replace(ui.page, root);
  switch (page) {
    case 'vacancies':
      return vacanciesPage(root, go);
    case 'applications':
      return applicationsPage(root, new URLSearchParams(params));
    case 'funnel':
      return funnelPage(root);
    case 'queries':
      return queriesPage(root);
    case 'attendance':
      return attendancePage(root);
    case 'claims':
      return claimsPage(root);
  }
}

whenSignedOut(signedOut);
// A request refused for the token signs out (api.ts); nothing else is left unhandled quietly.
window.addEventListener('unhandledrejection', (e) => {
  if (e.reason instanceof SignedOut) e.preventDefault();
});
ui.signIn.addEventListener('submit', (e) => {
  e.preventDefault();
  token.set(ui.token.value.trim());
  ui.token.value = '';
  // The document of the API needs the token like every route: a cheap way to check it.
  void api('GET', '/openapi.json').then(
    () => {
      ui.error.textContent = '';
      route();
    },
    () => undefined,
  );
});
ui.signOut.addEventListener('click', () => {
  token.clear();
  signedOut('Signed out.');
});
window.addEventListener('hashchange', route);
route();
