import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './demo.ts';
import { gatewayTls, type GatewayTls } from './gateway-tls.ts';

/** Generates a production key set into `dir` (npm run keys -- --out dir). */
export const generateKeys = (dir: string) =>
  execFileSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'src/cli/generate-keys.ts', '--out', dir],
    { cwd: ROOT, stdio: 'ignore' },
  );

export interface ProductionSetup {
  tls: GatewayTls;
  dir: string;
  keysDir: string;
  partnersDir: string;
  /** The environment of a production start against `gatewayUrl`; add REDIS_URL, DATABASE_URL, ISSUER... */
  env(gatewayUrl: string): Record<string, string>;
  remove(): void;
}

/** Keys, an (empty) partners directory and gateway certificates for NODE_ENV=production. */
export const productionSetup = (): ProductionSetup => {
  const tls = gatewayTls();
  const dir = mkdtempSync(join(tmpdir(), 'production-'));
  const keysDir = join(dir, 'keys');
  const partnersDir = join(dir, 'partners');
  generateKeys(keysDir);
  execFileSync('mkdir', ['-p', partnersDir]);
  return {
    tls,
    dir,
    keysDir,
    partnersDir,
    env: (gatewayUrl) => ({
      NODE_ENV: 'production',
      KEYS_DIR: keysDir,
      PARTNERS_DIR: partnersDir,
      CALENDAR_FILE: 'config/calendar.json',
      CORE_BANKING_CONNECTOR: 'http',
      CORE_BANKING_URL: gatewayUrl,
      CORE_BANKING_CA_FILE: tls.files.ca,
      CORE_BANKING_CERT_FILE: tls.files.clientCert,
      CORE_BANKING_KEY_FILE: tls.files.clientKey,
      PIN_CHECK_CONCURRENCY: '2',
      STAFF_PASSWORD_CONCURRENCY: '1',
    }),
    remove() {
      tls.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
