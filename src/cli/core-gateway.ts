// The reference core-banking gateway (docs/core-banking-gateway.md) as its own process: the
// contract served over the demo data set, for docker-compose, the tests and a bank's integrators.
// Settings from the environment (this entry point is its own composition root):
//   GATEWAY_PORT (8443), GATEWAY_HOST (0.0.0.0), DEMO_DATA_FILE (config/demo/core-banking.json),
//   GATEWAY_TLS_CERT_FILE, GATEWAY_TLS_KEY_FILE, GATEWAY_TLS_CA_FILE: all three for mutual TLS;
//   none (and GATEWAY_INSECURE_HTTP=1) for plain HTTP on a development machine only.
import { readFileSync } from 'node:fs';
import { loadGatewayContract } from '../core-banking/http/contract.ts';
import { createDemoCoreBanking, loadDemoCoreBankingData } from '../core-banking/demo/index.ts';
import { createReferenceGateway } from '../core-banking/reference-gateway/gateway.ts';
import { systemClock } from '../shared/clock.ts';
import { createLogger } from '../shared/logger.ts';
import { codeOf, messageOf } from '../shared/thrown.ts';
import { MemoryStore } from '../store/memory-store.ts';

const env = process.env;
const logger = createLogger({ base: { component: 'core-gateway' } });
const fail = (message: string): never => {
  process.stderr.write(`core-gateway: ${message}\n`);
  process.exit(78);
};
const read = (name: string): string | undefined => {
  const file = env[name];
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`${name}: cannot read ${file} (${codeOf(e)})`);
  }
};

const [cert, key, ca] = [read('GATEWAY_TLS_CERT_FILE'), read('GATEWAY_TLS_KEY_FILE'), read('GATEWAY_TLS_CA_FILE')];
const tlsGiven = [cert, key, ca].filter(Boolean).length;
if (tlsGiven !== 0 && tlsGiven !== 3)
  fail('give all of GATEWAY_TLS_CERT_FILE, GATEWAY_TLS_KEY_FILE and GATEWAY_TLS_CA_FILE');
if (tlsGiven === 0 && env.GATEWAY_INSECURE_HTTP !== '1')
  fail(
    'mutual TLS needs GATEWAY_TLS_CERT_FILE, GATEWAY_TLS_KEY_FILE and GATEWAY_TLS_CA_FILE (or GATEWAY_INSECURE_HTTP=1)',
  );

let data;
try {
  data = loadDemoCoreBankingData(env.DEMO_DATA_FILE ?? 'config/demo/core-banking.json');
} catch (e) {
  fail(messageOf(e).split('\n')[0]);
}
const clock = systemClock;
const core = createDemoCoreBanking({ data: data!, store: new MemoryStore(clock), clock });
const { server } = createReferenceGateway({
  core,
  contract: loadGatewayContract(process.cwd()),
  tls: tlsGiven === 3 ? { cert: cert!, key: key!, ca: ca! } : undefined,
});
const port = Number(env.GATEWAY_PORT ?? 8443);
server.listen(port, env.GATEWAY_HOST ?? '0.0.0.0', () => {
  logger.info('core-banking reference gateway listening', { port, mutualTls: tlsGiven === 3 });
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
