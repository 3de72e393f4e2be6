// npm run admin -- user add --username <name> --role <operator|auditor|admin> [--password-stdin]
// npm run admin -- user list | user disable --username <name>
// Staff accounts of the console, in the store the server uses (REDIS_URL, REDIS_KEY_PREFIX, ...
// as the server reads them). Exit 0: done; 64: wrong usage; 78: configuration; 1: anything else.
import { userInfo } from 'node:os';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { runStaffCommand, UsageError, USAGE } from '../admin/staff/cli-commands.ts';
import { createStaffAccounts } from '../admin/staff/staff-accounts.ts';
import { createAuditTrail, createCheckpointSigner } from '../audit/index.ts';
import { systemClock } from '../shared/clock.ts';
import { createLogger } from '../shared/logger.ts';
import { messageOf } from '../shared/thrown.ts';
import { createStore } from '../store/create-store.ts';
import { CliFailure, runCli } from './run-cli.ts';

const readArgs = () => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        username: { type: 'string' },
        role: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (e) {
    process.stderr.write(`admin: ${messageOf(e)}\n${USAGE}\n`);
    process.exit(64);
  }
};

// The arguments come before the configuration: --help and a usage error need none.
const args = readArgs();
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

await runCli({ name: 'admin', configExitCode: 78 }, async (config) => {
  const { settings } = config;
  if (!settings.store.redisUrl && settings.store.redisClusterNodes.length === 0) {
    throw new CliFailure(
      'no Redis configured (REDIS_URL or REDIS_CLUSTER_NODES): the embedded store lives inside the server process, ' +
        'so accounts made here would be lost. In demo mode the demo staff of docs/admin.md exist already.',
      78,
    );
  }

  // Logs (and the audit trail's JSON lines) go to stderr: stdout carries only what the command prints.
  const logger = createLogger({ write: (line) => process.stderr.write(line) });
  const store = createStore({
    settings: settings.store,
    clock: systemClock,
    logger,
  });
  const audit = createAuditTrail({
    store,
    logger,
    clock: systemClock,
    instance: `admin-cli-${process.pid}`,
    settings: settings.audit,
    signer: createCheckpointSigner(config.signingKeys, settings.audit.checkpointKeyId),
    checkpointTimer: false,
  });

  const readStdin = async () => (await text(process.stdin)).replace(/\r?\n$/, '');

  try {
    await runStaffCommand(
      {
        staff: createStaffAccounts({ store, clock: systemClock }),
        audit,
        actor: `cli:${userInfo().username}`,
        issuerLabel: new URL(settings.server.issuer).host,
        readPassword: readStdin,
        out: (output) => process.stdout.write(output),
      },
      {
        positionals: args.positionals,
        username: args.values.username,
        role: args.values.role,
        passwordStdin: args.values['password-stdin'],
      },
    );
  } catch (e) {
    throw e instanceof UsageError ? new CliFailure(e.message, 64) : new CliFailure(`failed: ${messageOf(e)}`, 1);
  } finally {
    await audit.close();
    await store.close();
  }
});
