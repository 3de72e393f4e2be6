import { totp } from '../../../src/shared/totp.ts';
import { CustomerAgent, type Page } from '../../support/customer-agent.ts';
import type { TestServer } from '../../support/server.ts';

export interface StaffCredentials {
  username: string;
  password: string;
  totpSecret: string;
}

/** The demo staff of docs/admin.md (seeded in demo mode). */
export const demoStaff = {
  operator: {
    username: 'demo-operator',
    password: 'operator-demo-pass',
    totpSecret: '6UDAJ5GNYZ27E7W7DJOYKWQBJKFRPRXR',
  },
  auditor: { username: 'demo-auditor', password: 'auditor-demo-pass', totpSecret: 'SROT5I3ISR3Y7OBCXCJB3XHTTCLR7EQW' },
  admin: { username: 'demo-admin', password: 'admin-demo-pass', totpSecret: '2VH5OKHSWAZ2CJ5Q3TVUXAJVDYRTV7PT' },
} satisfies Record<string, StaffCredentials>;

/**
 * A staff member's browser at the HTTP level (the customer agent's cookie jar and redirects),
 * with the console's forms: every post carries the page's CSRF token unless told otherwise.
 */
export class StaffAgent {
  readonly agent = new CustomerAgent('never:');
  readonly base: string;

  constructor(server: TestServer) {
    this.base = server.url;
  }

  get(path: string): Promise<Page> {
    return this.agent.request(`${this.base}${path}`);
  }

  /** Posts a form; `csrfFrom` is the page whose token to send (none when undefined). */
  post(path: string, form: Record<string, string | string[]>, csrfFrom?: Page): Promise<Page> {
    return this.agent.request(`${this.base}${path}`, {
      form: csrfFrom ? { csrf: CustomerAgent.field(csrfFrom.html, 'csrf'), ...form } : form,
    });
  }
}

/** A fresh time step, so that each one-time code is new (a code counts once). */
export const nextCode = (server: TestServer, secret: string) => {
  server.clock.advance(30_000);
  return totp(secret, server.clock.now());
};

/** Logs in with password and one-time code; answers the agent and the page after the login. */
export const logIn = async (server: TestServer, who: StaffCredentials) => {
  const staff = new StaffAgent(server);
  const login = await staff.get('/admin/login');
  const codePage = await staff.post('/admin/login', { username: who.username, password: who.password }, login);
  if (!codePage.html.includes('name="otp"'))
    throw new Error(`no one-time-code page after the password: ${codePage.status} ${codePage.url}`);
  const home = await staff.post('/admin/login/totp', { otp: nextCode(server, who.totpSecret) }, codePage);
  if (home.status !== 200 || !home.url.endsWith('/admin'))
    throw new Error(`login did not reach the console: ${home.status} ${home.url}`);
  return { staff, home };
};
