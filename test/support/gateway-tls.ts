import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './demo.ts';

export interface GatewayTls {
  dir: string;
  files: { ca: string; gatewayCert: string; gatewayKey: string; clientCert: string; clientKey: string };
  /** PEM contents of the same files. */
  ca: string;
  gateway: { cert: string; key: string };
  client: { cert: string; key: string };
  remove(): void;
}

/** A private CA, the gateway certificate (127.0.0.1, localhost), the client certificate: scripts/gateway-certs.sh. */
export const gatewayTls = (): GatewayTls => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
  execFileSync('sh', [join(ROOT, 'scripts/gateway-certs.sh'), dir, 'localhost'], { stdio: 'ignore' });
  const files = {
    ca: join(dir, 'ca.pem'),
    gatewayCert: join(dir, 'gateway.pem'),
    gatewayKey: join(dir, 'gateway.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
  };
  const read = (file: string) => readFileSync(file, 'utf8');
  return {
    dir,
    files,
    ca: read(files.ca),
    gateway: { cert: read(files.gatewayCert), key: read(files.gatewayKey) },
    client: { cert: read(files.clientCert), key: read(files.clientKey) },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};
