// One API連携認証 against the running server over HTTP, as a partner and a customer drive it (PAR,
// PIN, one-time code, consent, code exchange), with a DPoP key the bench can sign with itself.
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPartnerClient } from '../src/demo-partner/partner-client.ts';
import { totp } from '../src/shared/totp.ts';
import type { PrivateJwk } from './proofs.ts';
import { ROOT } from './support.ts';

export interface Customer {
  branch: string;
  accountType: string;
  accountNumber: string;
  pin: string;
  totpSecret: string;
}

export const DEMO_CUSTOMER: Customer = {
  branch: '001',
  accountType: 'ordinary',
  accountNumber: '1012345',
  pin: '2580',
  totpSecret: '42HZVUXMALJN4GGHUMPVZCP74KKSPLYO',
};
export const CLIENT_ID = 'demo-kakeibo';
export const clientPrivateJwk = (): PrivateJwk =>
  JSON.parse(readFileSync(join(ROOT, 'config/demo/client-private-keys', `${CLIENT_ID}.json`), 'utf8')).keys[0];

type Form = Record<string, string | string[]>;

/** A cookie-keeping browser at the HTTP level that follows redirects by hand. */
export const browser = (stopAt: string) => {
  const cookies = new Map<string, string>();
  return async (url: string, form?: Form): Promise<{ url: string; status: number; html: string }> => {
    let current = url;
    let body: string | undefined;
    if (form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) p.append(k, one);
      body = p.toString();
    }
    for (;;) {
      if (current.startsWith(stopAt)) return { url: current, status: 0, html: '' };
      const res = await fetch(current, {
        method: body ? 'POST' : 'GET',
        body,
        redirect: 'manual',
        headers: {
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        cookies.set(pair.slice(0, i), pair.slice(i + 1));
      }
      const location = res.headers.get('location');
      if (!location) return { url: current, status: res.status, html: await res.text() };
      await res.arrayBuffer();
      current = new URL(location, current).href;
      body = undefined;
    }
  };
};

export const field = (html: string, name: string) => {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`no ${name} field on the page:\n${html.slice(0, 400)}`);
  return m[1];
};

/** Links the demo customer to the demo partner; answers the tokens and the DPoP private JWK. */
export const link = async (issuer: string, c: Customer = DEMO_CUSTOMER, otpAt = Date.now()) => {
  const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const dpopJwk = (await webcrypto.subtle.exportKey('jwk', pair.privateKey)) as PrivateJwk;
  const partner = await createPartnerClient({
    issuer,
    clientId: CLIENT_ID,
    privateJwk: clientPrivateJwk() as never,
    redirectUri: `${issuer}/demo/callback`,
    allowHttp: true,
  });
  const pending = await partner.startAuthorization({ scope: 'offline_access accounts deposits' }, pair as never);
  const go = browser(`${issuer}/demo/callback`);
  const login = await go(pending.authorizationUrl);
  const otpPage = await go(`${login.url}/login`, {
    csrf: field(login.html, 'csrf'),
    branch: c.branch,
    accountType: c.accountType,
    accountNumber: c.accountNumber,
    pin: c.pin,
  });
  const consent = await go(`${otpPage.url}/otp`, { csrf: field(otpPage.html, 'csrf'), otp: totp(c.totpSecret, otpAt) });
  const accounts = [...consent.html.matchAll(/name="accounts" value="([^"]*)"/g)].map((m) => m[1]);
  const callback = await go(`${consent.url}/consent`, {
    csrf: field(consent.html, 'csrf'),
    decision: 'agree',
    accounts,
  });
  if (!callback.url.startsWith(`${issuer}/demo/callback`))
    throw new Error(
      `linkage did not reach the partner: ${callback.status} ${callback.url} ${callback.html.slice(0, 300)}`,
    );
  const tokens = await partner.exchangeCode(callback.url, pending);
  return { tokens, dpopJwk, partner, pair };
};
