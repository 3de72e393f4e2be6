import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, redact } from '../../src/shared/logger.ts';

/** The Logger port on pino: JSON lines with level names, secrets redacted, destination injectable. */

test('writes JSON lines with level names to an injected destination, redacting secret-looking fields', async () => {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  logger.debug('not written');
  logger.info('hello', { pin: '1234', nested: { access_token: 'at-secret', partnerId: 'demo-kakeibo' } });
  logger.child({ requestId: 'req-0001', cookie: 'c=1' }).error('failed', { status: 500 });
  logger.flush();
  await new Promise((resolve) => setImmediate(resolve));
  const lines = chunks
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines).toEqual([
    expect.objectContaining({
      level: 'info',
      msg: 'hello',
      pin: '[redacted]',
      nested: { access_token: '[redacted]', partnerId: 'demo-kakeibo' },
    }),
    expect.objectContaining({
      level: 'error',
      msg: 'failed',
      requestId: 'req-0001',
      cookie: '[redacted]',
      status: 500,
    }),
  ]);
  expect(typeof lines[0].time).toBe('string');
  expect(Number.isNaN(Date.parse(lines[0].time as string))).toBe(false);
  expect(chunks.join('')).not.toMatch(/1234|at-secret/);
});

test('redacts at any depth and in arrays, copying only what it changes and leaving the caller its own objects', () => {
  const clean = { route: '/api/v1/accounts', status: 200, list: [{ partnerId: 'p' }] };
  expect(redact(clean)).toBe(clean);
  const given = { a: [{ otp: '123456' }, { ok: 1 }], b: { c: { Cookie: 'sid=1' } }, accountNumber: '1234567' };
  const out = redact(given) as typeof given;
  expect(out).toEqual({
    a: [{ otp: '[redacted]' }, { ok: 1 }],
    b: { c: { Cookie: '[redacted]' } },
    accountNumber: '[redacted]',
  });
  expect(given.a[0].otp).toBe('123456');
  expect(out.a[1]).toBe(given.a[1]);
  // A class instance is copied field by field (redacted), never handed over with its toJSON.
  class Holder {
    accessToken = 'at-secret';
    toJSON() {
      return { accessToken: this.accessToken };
    }
  }
  expect(JSON.stringify(redact({ holder: new Holder() }))).not.toContain('at-secret');
});

test('flush writes what is buffered for standard output before the process exits', () => {
  // A child process logs and exits at once: with an asynchronous flush the line would be lost.
  const script = [
    "import { createLogger } from './src/shared/logger.ts';",
    'const logger = createLogger();',
    "for (let i = 0; i < 2000; i += 1) logger.info('line', { i, pin: '9999' });",
    "logger.info('stopped', { signal: 'SIGTERM' });",
    'logger.flush();',
    'process.exit(0);',
  ].join('\n');
  const run = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', '--input-type=module', '-e', script],
    {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(2001);
  expect(JSON.parse(lines.at(-1)!)).toMatchObject({ msg: 'stopped', signal: 'SIGTERM' });
  expect(run.stdout).not.toContain('9999');
});

test('a line with JSON already serialised reads as the same line pino writes for that value, bound fields included', () => {
  const lines: string[] = [];
  const root = createLogger({ level: 'info', base: { instance: 'i-1' }, write: (line) => lines.push(line) });
  const logger = root.child({ module: 'audit', session_cookie: 'c=1' });
  const event = { id: 'e1', kind: 'data.access', details: { accounts: ['a1', 'a2'], note: '残高照会 "quoted"' } };
  logger.info('audit', { audit: event });
  logger.infoWithJson('audit', 'audit', JSON.stringify(event));
  createLogger({ level: 'warn', write: (line) => lines.push(line) }).infoWithJson('audit', 'audit', '{}');
  expect(lines).toHaveLength(2);
  const [viaPino, asText] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(Object.keys(asText)).toEqual(Object.keys(viaPino));
  expect({ ...asText, time: 'same' }).toEqual({ ...viaPino, time: 'same' });
  expect(asText).toMatchObject({ level: 'info', instance: 'i-1', module: 'audit', session_cookie: '[redacted]' });
  expect(Date.parse(String(asText.time))).not.toBeNaN();
  expect(lines[1].endsWith('\n')).toBe(true);
});
