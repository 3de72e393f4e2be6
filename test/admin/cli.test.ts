import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ROOT } from '../support/demo.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { logIn, StaffAgent } from './support/staff.ts';

/**
 * `npm run admin -- user add | list | disable` against the Redis the server uses: an account made
 * there logs in to the console with the password and the one-time-code secret printed once.
 */

const env = { REDIS_URL: process.env.TEST_REDIS_URL!, REDIS_KEY_PREFIX: `test-admin-cli-${randomUUID()}:` };

const admin = (args: string[], options: { input?: string; env?: Record<string, string | undefined> } = {}) => {
  const result = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', join(ROOT, 'src/cli/admin.ts'), ...args],
    {
      cwd: ROOT,
      input: options.input ?? '',
      encoding: 'utf8',
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env, ...options.env },
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('user add prints a generated password and the one-time-code secret once; with them the staff member logs in', async () => {
  const added = admin(['user', 'add', '--username', 'cli-operator', '--role', 'operator']);
  expect(added.code).toBe(0);
  const password = /^password: (\S+)$/m.exec(added.stdout)![1];
  const secret = /^one-time-code secret \(base32\): ([A-Z2-7]{32})$/m.exec(added.stdout)![1];
  expect(password.length).toBeGreaterThanOrEqual(12);
  expect(added.stdout).toMatch(
    new RegExp(`^otpauth URI: otpauth://totp/[^:]+:cli-operator\\?secret=${secret}&issuer=`, 'm'),
  );
  // Nothing secret in the logs (stderr carries the audit line).
  expect(added.stderr).not.toContain(password);
  expect(added.stderr).not.toContain(secret);
  expect(added.stderr).toContain('"kind":"admin.staff.added"');

  server = await startServer({ env });
  const { home } = await logIn(server, { username: 'cli-operator', password, totpSecret: secret });
  expect(home.html).toContain('cli-operator（オペレーター）');
  const stored = await server.app.admin.staff.find('cli-operator');
  expect(stored).toMatchObject({ role: 'operator', disabled: false, createdBy: expect.stringMatching(/^cli:/) });
  expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);
  expect((await server.app.audit.query({ kind: 'admin.staff.added' })).at(-1)).toMatchObject({
    details: { via: 'cli', username: 'cli-operator', role: 'operator' },
  });
}, 60_000);

test('--password-stdin takes the password from standard input and does not print it', async () => {
  const added = admin(['user', 'add', '--username', 'cli-auditor', '--role', 'auditor', '--password-stdin'], {
    input: 'a-chosen-long-password\n',
  });
  expect(added.code).toBe(0);
  expect(added.stdout).not.toContain('password:');
  const secret = /secret \(base32\): ([A-Z2-7]{32})/.exec(added.stdout)![1];
  server = await startServer({ env });
  const { home } = await logIn(server, {
    username: 'cli-auditor',
    password: 'a-chosen-long-password',
    totpSecret: secret,
  });
  expect(home.html).toContain('cli-auditor（監査担当）');
}, 60_000);

test('user list shows accounts without secrets; user disable stops a login', async () => {
  admin(['user', 'add', '--username', 'cli-leaver', '--role', 'admin', '--password-stdin'], {
    input: 'leaver-password-123',
  });
  const listed = admin(['user', 'list']);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(/^cli-leaver\tadmin\tenabled\ttotp\t/m);
  expect(listed.stdout).not.toContain('argon2');
  expect(admin(['user', 'disable', '--username', 'cli-leaver']).code).toBe(0);
  expect(admin(['user', 'list']).stdout).toMatch(/^cli-leaver\tadmin\tdisabled\t/m);

  server = await startServer({ env });
  const staff = new StaffAgent(server);
  const login = await staff.get('/admin/login');
  const refused = await staff.post('/admin/login', { username: 'cli-leaver', password: 'leaver-password-123' }, login);
  expect(refused.status).toBe(400);
}, 60_000);

test('wrong usage exits 64 without changing anything: unknown role, short password, a taken username, no command', () => {
  expect(admin(['user', 'add', '--username', 'cli-x', '--role', 'root']).code).toBe(64);
  const short = admin(['user', 'add', '--username', 'cli-x', '--role', 'operator', '--password-stdin'], {
    input: 'short',
  });
  expect(short.code).toBe(64);
  expect(short.stderr).toContain('at least 12 characters');
  expect(admin(['user', 'add', '--username', 'Bad Name', '--role', 'operator']).code).toBe(64);
  expect(admin(['user', 'list']).stdout).not.toMatch(/^cli-x\t/m);
  admin(['user', 'add', '--username', 'cli-twice', '--role', 'operator']);
  const again = admin(['user', 'add', '--username', 'cli-twice', '--role', 'operator']);
  expect(again.code).toBe(64);
  expect(again.stderr).toContain('is taken');
  expect(admin([]).code).toBe(64);
  expect(admin(['user', 'disable', '--username', 'nobody-at-all']).code).toBe(64);
});

test('without Redis it refuses (78): accounts in the embedded store would vanish with the command', () => {
  const result = admin(['user', 'list'], { env: { REDIS_URL: undefined, REDIS_KEY_PREFIX: undefined } });
  expect(result.code).toBe(78);
  expect(result.stderr).toContain('no Redis configured');
});
