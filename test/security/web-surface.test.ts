import { demoStaff, nextCode, StaffAgent } from '../admin/support/staff.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { rawRequest } from './raw-http.ts';

/** Clickjacking and session fixation: the browser-facing defences, checked on the wire. */
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

test('no page of the bank may be framed: X-Frame-Options DENY and frame-ancestors none on every HTML answer', async () => {
  for (const path of [
    '/admin/login',
    '/my/',
    '/terms',
    '/service-hours',
    '/no-such-page',
    '/interaction/unknown-uid',
  ]) {
    const res = await rawRequest(server.url, { path, headers: { accept: 'text/html' } });
    expect({ path, frame: res.headers['x-frame-options'] }).toEqual({ path, frame: 'DENY' });
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  }
});

test('session fixation: the staff session a visitor had before logging in is replaced, and no longer opens the console', async () => {
  const staff = new StaffAgent(server);
  const login = await staff.get('/admin/login');
  const before = staff.agent.cookieHeader;
  expect(before).toContain('admin_session=');
  const who = demoStaff.operator;
  const codePage = await staff.post('/admin/login', { username: who.username, password: who.password }, login);
  const home = await staff.post('/admin/login/totp', { otp: nextCode(server, who.totpSecret) }, codePage);
  expect(home.url).toBe(`${server.url}/admin`);
  const after = staff.agent.cookieHeader;
  const id = (cookies: string) => /admin_session=([^;]+)/.exec(cookies)?.[1];
  expect(id(after)).not.toBe(id(before));
  const withOld = await rawRequest(server.url, { path: '/admin', headers: { cookie: before, accept: 'text/html' } });
  expect(withOld.status).toBe(303);
  expect(withOld.headers.location).toBe('/admin/login');
});
