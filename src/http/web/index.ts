// The web pages (issue 13): the web phone (GET /phone, only while SMS go to the simulator) and the
// operator console (GET /console). Both are static HTML, one stylesheet and a script each; they reach the
// service only through its public routes (/ussd, /ussd/events, /sms/inbound, /simulator/messages and
// /admin with the operator's bearer token), so they bypass no check and no audit. docs/web-phone-and-console.md.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { exactRouter } from '../router';
import { browserCode, type EntryPoint } from './browser-code';
import { webSecurityHeaders } from './security-headers';

const ASSETS = path.join(__dirname, 'assets');

/** What the web phone needs to act as AT does. */
export type PhoneSettings = {
  serviceCode: string;
  smsCode: string;
  /** The screen limit of the network the phone says it is on (Safaricom, 63902). */
  screenLimit: number;
  networkCode: string;
  /** With WEBHOOK_TOKEN set the phone asks for it (the page never gets it from the service). */
  tokenRequired: boolean;
};

export type WebDeps = {
  /** The web phone is served only while SMS go to the simulator (its inbox is the phone's). */
  phone?: PhoneSettings;
};

function asset(name: string): string {
  return readFileSync(path.join(ASSETS, name), 'utf8');
}

export function webRoutes(deps: WebDeps): Router {
  const router = exactRouter();
  const headers = webSecurityHeaders();
  const code = browserCode();
  // Read once: the files are part of the code.
  const files = {
    console: asset('console.html'),
    phone: asset('phone.html'),
    css: asset('web.css'),
  };
  const html = (body: string) => (ctx: Context) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = body;
  };
  const script = (name: EntryPoint) => async (ctx: Context) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = await code.script(name);
  };

  router.get('/console', headers, html(files.console));
  router.get('/web/console.js', headers, script('console'));
  router.get('/web/web.css', headers, (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = files.css;
  });
  const phone = deps.phone;
  if (phone) {
    router.get('/phone', headers, html(files.phone));
    router.get('/web/phone.js', headers, script('phone'));
    router.get('/phone/settings.json', headers, (ctx) => {
      ctx.body = phone;
    });
  }
  return router;
}
