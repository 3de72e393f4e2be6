import { totp } from '../../src/shared/totp.ts';
import type { DemoCustomer } from './demo.ts';

export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
}

/**
 * A customer's browser at the HTTP level: keeps cookies per host, follows redirects by hand and
 * stops at the partner's redirect URI. (The same flows also run in real Chromium: test/browser.)
 */
export class CustomerAgent {
  readonly #cookies = new Map<string, string>();
  readonly stopAt: string;

  constructor(stopAt: string) {
    this.stopAt = stopAt;
  }

  #cookieHeader() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #remember(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The Cookie header this agent sends (tests that craft their own requests reuse it). */
  get cookieHeader() {
    return this.#cookieHeader();
  }

  forgetCookies() {
    this.#cookies.clear();
  }

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string | string[]>; cookies?: boolean } = {},
  ): Promise<Page> {
    let current = url;
    let method = init.method ?? (init.form ? 'POST' : 'GET');
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form))
        for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
    }
    for (let hop = 0; hop < 10; hop += 1) {
      if (current.startsWith(this.stopAt)) return { status: 0, url: current, html: '', headers: new Headers() };
      const headers: Record<string, string> = { accept: 'text/html' };
      if (init.cookies !== false) headers.cookie = this.#cookieHeader();
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(current, { method, headers, body, redirect: 'manual' });
      this.#remember(res.headers);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).href;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { status: res.status, url: current, html: await res.text(), headers: res.headers };
    }
    throw new Error('too many redirects');
  }

  static field(html: string, name: string): string {
    const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
    if (!m) throw new Error(`no field ${name} on the page`);
    return m[1];
  }

  static checkboxValues(html: string, name: string): string[] {
    return [...html.matchAll(new RegExp(`type="checkbox"[^>]*name="${name}" value="([^"]*)"`, 'g'))].map((m) => m[1]);
  }

  /** The flow's own path, also from a page a post answered (`/interaction/:uid/otp`, `/my/otp`). */
  static interactionPath(url: string) {
    const { pathname } = new URL(url);
    return /^\/(interaction\/[^/]+|my)(?=\/|$)/.exec(pathname)?.[0] ?? pathname;
  }

  /** Step 1 of the identity check. */
  async login(page: Page, who: Pick<DemoCustomer, 'branch' | 'accountType' | 'accountNumber' | 'pin'>) {
    return this.request(`${new URL(page.url).origin}${CustomerAgent.interactionPath(page.url)}/login`, {
      form: {
        csrf: CustomerAgent.field(page.html, 'csrf'),
        branch: who.branch,
        accountType: who.accountType,
        accountNumber: who.accountNumber,
        pin: who.pin,
      },
    });
  }

  /** Step 2: the one-time code for the given time. */
  async otp(page: Page, secretOrCode: { totpSecret: string } | string, nowMs: number) {
    const code = typeof secretOrCode === 'string' ? secretOrCode : totp(secretOrCode.totpSecret, nowMs);
    return this.request(`${new URL(page.url).origin}${CustomerAgent.interactionPath(page.url)}/otp`, {
      form: { csrf: CustomerAgent.field(page.html, 'csrf'), otp: code },
    });
  }

  async consent(page: Page, decision: 'agree' | 'decline', accounts: string[]) {
    return this.request(`${new URL(page.url).origin}${CustomerAgent.interactionPath(page.url)}/consent`, {
      form: { csrf: CustomerAgent.field(page.html, 'csrf'), decision, accounts },
    });
  }
}
