import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ROOT } from '../support/demo.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-settings-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const overlay = (settings: unknown) => {
  const file = join(dir, 'overlay.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
};

describe('audit and ops settings', () => {
  test("have defaults, and METRICS_TOKEN sets the operators' token", () => {
    const { settings } = loadConfig({ NODE_ENV: 'test', METRICS_TOKEN: 'a-token-of-twenty-chars' }, ROOT);
    expect(settings.audit).toEqual({
      retentionDays: 400,
      checkpointEveryEvents: 100,
      checkpointEverySeconds: 60,
      flushEveryMs: 0,
      buffer: { hours: 2, peakEventsPerSecond: 200, reservedShare: 0.05 },
      checkpointKeyId: null,
    });
    expect(settings.ops).toEqual({
      metricsToken: 'a-token-of-twenty-chars',
      allowLoopback: true,
      consentFunnelSweepSeconds: 60,
    });
  });

  test('a checkpoint key that is not in the keys directory stops start-up, naming it', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'test', CONFIG_FILE: overlay({ audit: { checkpointKeyId: 'no-such-kid' } }) }, ROOT);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/audit\.checkpointKeyId: no key with kid "no-such-kid"/);
  });

  test('a metrics token too short to be a secret is refused', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', METRICS_TOKEN: 'short' }, ROOT)).toThrow(ConfigError);
  });
});
