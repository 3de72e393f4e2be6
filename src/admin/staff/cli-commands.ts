import type { AuditLog } from '../../audit/index.ts';
import { isRole, ROLES } from '../permissions.ts';
import { passwordProblem, randomPassword } from './passwords.ts';
import { StaffAccountError, type StaffAccounts } from './staff-accounts.ts';
import { otpauthUri } from './totp-secret.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage:
  npm run admin -- user add --username <name> --role <${ROLES.join('|')}> [--password-stdin]
  npm run admin -- user list
  npm run admin -- user disable --username <name>

Without --password-stdin a random password is generated. The password and the one-time-code
secret are printed once: register the secret (or the otpauth:// URI) in an authenticator app.`;

export interface CommandDeps {
  staff: StaffAccounts;
  audit: AuditLog;
  /** Who runs the command (the operating-system user), for the audit trail. */
  actor: string;
  /** The issuer's name shown in authenticator apps. */
  issuerLabel: string;
  readPassword: () => Promise<string>;
  out: (text: string) => void;
}

export interface CommandArgs {
  positionals: string[];
  username?: string;
  role?: string;
  passwordStdin?: boolean;
}

/** `user add | list | disable`: staff accounts from the command line (the first admin has no other way in). */
export const runStaffCommand = async (deps: CommandDeps, args: CommandArgs): Promise<void> => {
  const [group, command] = args.positionals;
  if (group !== 'user') throw new UsageError(USAGE);
  const record = (kind: string, details: Record<string, unknown>) =>
    deps.audit.record({ kind, result: 'success', actor: deps.actor, details: { via: 'cli', ...details } });

  switch (command) {
    case 'add': {
      if (!args.username || !args.role) throw new UsageError(USAGE);
      if (!isRole(args.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const generated = !args.passwordStdin;
      const password = generated ? randomPassword() : await deps.readPassword();
      const problem = passwordProblem(password);
      if (problem) throw new UsageError(problem);
      let added;
      try {
        added = await deps.staff.add({ username: args.username, role: args.role, password, createdBy: deps.actor });
      } catch (e) {
        if (e instanceof StaffAccountError) throw new UsageError(e.message);
        throw e;
      }
      await record('admin.staff.added', { username: args.username, role: args.role });
      deps.out(
        [
          `added ${added.record.username} (${added.record.role})`,
          ...(generated ? [`password: ${password}`] : []),
          `one-time-code secret (base32): ${added.totpSecret}`,
          `otpauth URI: ${otpauthUri({
            issuer: deps.issuerLabel,
            username: added.record.username,
            secret: added.totpSecret,
          })}`,
          'These are shown only now.',
          '',
        ].join('\n'),
      );
      return;
    }
    case 'list': {
      const rows = await deps.staff.list();
      deps.out(
        rows
          .map((s) =>
            [
              s.username,
              s.role,
              s.disabled ? 'disabled' : 'enabled',
              s.hasTotp ? 'totp' : 'no-totp',
              `created ${new Date(s.createdAt).toISOString()} by ${s.createdBy}`,
            ].join('\t'),
          )
          .join('\n') + (rows.length ? '\n' : ''),
      );
      return;
    }
    case 'disable': {
      if (!args.username) throw new UsageError(USAGE);
      if (!(await deps.staff.disable(args.username, deps.actor)))
        throw new UsageError(`no staff member "${args.username}"`);
      await record('admin.staff.disabled', { username: args.username });
      deps.out(`disabled ${args.username}\n`);
      return;
    }
    default:
      throw new UsageError(USAGE);
  }
};
