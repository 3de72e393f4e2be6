// npm run config:check — validates a configuration (NODE_ENV=production: a production one) without
// serving: the files and their schemas, the production refusals, the signing keys, the partners'
// registered keys, the gateway's certificates, and that the gateway answers over mutual TLS.
// Exit 0: all good; 78: a configuration problem (one line on stderr); 1: a check failed.
//
// With `-- --compose <docker-compose.yml> [--service app] [--env-file <.env>] [--gateway-url <url>]`
// it checks the configuration that service of the stack starts with instead of this process's
// environment: the service's environment (interpolated from the shell and the .env file), with the
// container paths under its bind mounts read from their host directories. The gateway, a service
// of the stack, is reachable only inside it: its check is skipped unless --gateway-url names where
// to reach it from here (inside the stack, `docker-compose run --rm app npm run config:check`).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { importJWK } from 'jose';
import { loadConfig } from '../config/load-config.ts';
import { loadGatewayContract } from '../core-banking/http/contract.ts';
import { createHttpCoreBanking } from '../core-banking/http/http-core-banking.ts';
import { systemClock } from '../shared/clock.ts';
import { createLogger } from '../shared/logger.ts';
import { messageOf } from '../shared/thrown.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { readComposeService } from './compose-config.ts';
import { CliFailure, runCli, type CliCommand } from './run-cli.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const problems: string[] = [];
const check = async (name: string, run: () => Promise<string | void> | string | void) => {
  try {
    const detail = await run();
    say(`ok    ${name}${detail ? `: ${detail}` : ''}`);
  } catch (e) {
    problems.push(name);
    say(`FAIL  ${name}: ${messageOf(e).split('\n')[0]}`);
  }
};

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const composeFile = option('compose');
let stackServices: string[] = [];

/** The configuration the stack's service starts with (--compose), or else this process's. */
const readConfig = async () => {
  if (!composeFile) return loadConfig(process.env);
  const service = await readComposeService(composeFile, {
    service: option('service'),
    envFile: option('env-file'),
    shellEnv: process.env,
  });
  stackServices = service.services;
  const gatewayUrl = option('gateway-url');
  const config = loadConfig({ ...service.env, ...(gatewayUrl ? { CORE_BANKING_URL: gatewayUrl } : {}) });
  say(`ok    ${composeFile}: service ${option('service') ?? 'app'}, container paths read from its bind mounts`);
  return config;
};

// A configuration problem is one line without the command's name, as the server's start refuses it.
const command: CliCommand = {
  name: 'config:check',
  configExitCode: 78,
  configErrorLine: (e) => e.oneLine(),
  loadConfig: readConfig,
};

await runCli(command, async (config) => {
  say(`ok    configuration files (${config.runtimeEnv}): settings, keys, partners, terms, calendar`);

  await check('signing keys', async () => {
    for (const key of config.signingKeys.keys) await importJWK(key, key.alg);
    return `${config.signingKeys.keys.length} key(s), ${config.signingKeys.keys.map((k) => k.kid).join(', ')}`;
  });

  await check('partner keys', async () => {
    for (const { partner, file } of config.partners) {
      for (const key of partner.jwks?.keys ?? []) {
        if ('d' in key) throw new Error(`${file}: a registered key holds a private part ("d")`);
        await importJWK(key, key.alg ?? 'ES256').catch((e: unknown) => {
          throw new Error(`${file}: key ${String(key.kid)}: ${messageOf(e)}`);
        });
      }
    }
    return `${config.partners.length} partner(s)`;
  });

  const core = config.settings.coreBanking;
  if (core.connector === 'http') {
    const tls = config.coreBankingTls;
    await check('gateway certificates', () => {
      if (!tls.cert || !tls.key) return 'no client certificate configured';
      const cert = new X509Certificate(tls.cert);
      if (!cert.checkPrivateKey(createPrivateKey(tls.key)))
        throw new Error('the client key does not match the certificate');
      const now = Date.now();
      if (Date.parse(cert.validTo) < now || Date.parse(cert.validFrom) > now)
        throw new Error(`the client certificate is not valid now (${cert.validFrom} – ${cert.validTo})`);
      if (tls.ca && !cert.verify(new X509Certificate(tls.ca).publicKey))
        say('note  the client certificate is not issued by the gateway CA (caFile): the gateway must trust its issuer');
      return `client certificate ${cert.subject.replaceAll('\n', ', ')}, valid until ${cert.validTo}`;
    });
    const gatewayHost = new URL(core.http.baseUrl ?? 'https://unset').hostname;
    if (stackServices.includes(gatewayHost))
      say(`skip  gateway reachable: ${gatewayHost} is a service of the stack (--gateway-url to reach it from here)`);
    else
      await check('gateway reachable', async () => {
        const connector = createHttpCoreBanking({
          settings: { ...core.http, maxRetries: 0 },
          contract: loadGatewayContract(config.rootDir),
          tls,
          store: new MemoryStore(systemClock),
          clock: systemClock,
          logger: createLogger({ level: 'error' }),
        });
        try {
          return `${core.http.baseUrl} answers, data as of ${await connector.asOf()}`;
        } finally {
          await connector.close();
        }
      });
  } else {
    say('ok    core banking: the embedded demo data (no gateway to reach)');
  }

  if (problems.length > 0) throw new CliFailure(`${problems.length} check(s) failed: ${problems.join(', ')}`, 1);
  say('configuration OK');
});
// Ends at once with the exit code runCli set, as this command always has: nothing a check left open
// (the gateway connector's agent, say) keeps it running.
process.exit();
