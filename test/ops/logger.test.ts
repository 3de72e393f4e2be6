import { Writable } from 'node:stream';
import { createLogger } from '../../src/shared/logger.ts';

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
