import type { Config } from '../../config/load-config.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { StaffAccounts, StaffRecord } from './staff-accounts.ts';

/**
 * The demo staff of docs/admin.md, for trial installations only. Their passwords and TOTP secrets
 * are published there (and in the README), so they exist only with the demo data and never with
 * NODE_ENV=production. Only the password hashes are kept here.
 */
const DEMO_STAFF: readonly Pick<StaffRecord, 'username' | 'role' | 'passwordHash' | 'totpSecret'>[] = [
  {
    username: 'demo-operator',
    role: 'operator',
    passwordHash: '$argon2id$v=19$m=19456,p=1,t=2$4MTBsuxNyZd+7gxqzR+QCA$TXJDMbK2F9sBY0sG81Uki/5ZPxmL4ukdJZAKm39ByRc',
    totpSecret: '6UDAJ5GNYZ27E7W7DJOYKWQBJKFRPRXR',
  },
  {
    username: 'demo-auditor',
    role: 'auditor',
    passwordHash: '$argon2id$v=19$m=19456,p=1,t=2$FcyQG1va1IlN1+wkZJUtag$gMEIRkXctTnmxfbYqpET821RnwMsu1ferrpmBAuAasY',
    totpSecret: 'SROT5I3ISR3Y7OBCXCJB3XHTTCLR7EQW',
  },
  {
    // A trial needs someone who can manage staff and partners (the embedded store has no CLI to add one).
    username: 'demo-admin',
    role: 'admin',
    passwordHash: '$argon2id$v=19$m=19456,p=1,t=2$hRMHnjWrPENeFSZKA5m9eA$p7h2J5g+8oSVOuhomsTZXEwHNXjlikxfjRC6A3q2I88',
    totpSecret: '2VH5OKHSWAZ2CJ5Q3TVUXAJVDYRTV7PT',
  },
];

/** Who the demo staff are: production refuses to start while any of them exists. */
export const DEMO_STAFF_USERNAMES: readonly string[] = DEMO_STAFF.map((s) => s.username);

/**
 * Creates the demo staff when the demo data is on and they do not exist yet (an operator's later
 * change, such as disabling one, is kept). Refuses in production whatever the demo setting says.
 */
export const seedDemoStaff = async (deps: {
  /** Its slice of the configuration: whether demo data is loaded, and where it runs. */
  config: Pick<Config, 'demo' | 'runtimeEnv'>;
  staff: StaffAccounts;
  clock: Clock;
  logger: Logger;
}): Promise<void> => {
  if (!deps.config.demo) return;
  if (deps.config.runtimeEnv === 'production') {
    deps.logger.warn(
      'demo staff accounts are not created with NODE_ENV=production: create staff with `npm run admin -- user add`',
    );
    return;
  }
  for (const demo of DEMO_STAFF) {
    if (await deps.staff.find(demo.username)) continue;
    await deps.staff.save({ ...demo, disabled: false, createdAt: deps.clock.now(), createdBy: 'demo-data' });
  }
};
