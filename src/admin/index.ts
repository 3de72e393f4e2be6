import type { Config } from '../config/load-config.ts';
import type { Secrets, Settings } from '../config/schema.ts';
import type { ConsoleConfig } from './console/deps.ts';
import type { Render } from '../http/render.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../store/store.ts';
import type { TokenChecks } from '../web/tokens/token-checks.ts';
import { adminApiRouter } from './api/router.ts';
import { createLoginThrottle } from './console/login-throttle.ts';
import { consoleRouter } from './console/router.ts';
import { createAdminSessions } from './console/sessions.ts';
import { createAdminOperations, type OperationsDeps } from './operations/index.ts';
import { seedDemoStaff } from './staff/demo-staff.ts';
import type { Admission } from '../shared/admission.ts';
import type { Deadlines } from '../shared/deadline.ts';
import { admittedPasswordVerifier, createPasswordVerifier } from './staff/passwords.ts';
import { createStaffAccounts } from './staff/staff-accounts.ts';
import { createStaffTotp } from './staff/staff-totp.ts';

/** The operations' own dependencies, less what is derived from the configuration, plus the pages'. */
/** What bank staff's operations, console and API read of the configuration (types from the config schema). */
export type AdminConfig = ConsoleConfig &
  Pick<Config, 'internalClients' | 'demo' | 'runtimeEnv'> & {
    settings: Pick<Settings, 'admin' | 'mtls'>;
    secrets: Pick<Secrets, 'pairwiseSalt'>;
  };

export type AdminDeps = Omit<OperationsDeps, 'pairwiseSalt' | 'internalClientIds' | 'mtlsEnabled' | 'bulkAction'> & {
  config: AdminConfig;
  /** Request deadlines: a bulk action runs under its own (admin.bulkActionDeadlineSeconds). */
  deadlines: Deadlines;
  store: Store;
  logger: Logger;
  render: Render;
  tokenChecks: TokenChecks;
  /** Staff password checks pass through it (src/shared/admission.ts). */
  staffPasswordAdmission?: Admission;
};

/**
 * Operations for bank staff: the console at /admin and the admin API at /admin/api/v1, over one
 * set of audited operations. In demo mode the demo staff of docs/admin.md are created.
 */
export const createAdmin = async (deps: AdminDeps) => {
  const settings = deps.config.settings.admin;
  const staff = createStaffAccounts({ store: deps.store, clock: deps.clock });
  await seedDemoStaff({ config: deps.config, staff, clock: deps.clock, logger: deps.logger });
  const ops = createAdminOperations({
    ...deps,
    internalClientIds: new Set(deps.config.internalClients.map((c) => c.client_id)),
    pairwiseSalt: deps.config.secrets.pairwiseSalt,
    mtlsEnabled: deps.config.settings.mtls.enabled,
    // Outside the request's deadline, then under the bulk action's own.
    bulkAction: (task) =>
      deps.deadlines.detached(() => deps.deadlines.run(settings.bulkActionDeadlineSeconds * 1000, task)),
  });
  const consoleDeps = {
    config: deps.config,
    render: deps.render,
    ajv: deps.ajv,
    clock: deps.clock,
    audit: deps.audit,
    ops,
    staff,
    sessions: createAdminSessions({
      store: deps.store,
      clock: deps.clock,
      idleSeconds: settings.sessionIdleMinutes * 60,
      maxSeconds: settings.sessionMaxHours * 3600,
    }),
    throttle: createLoginThrottle({
      store: deps.store,
      maxPerUser: settings.loginMaxFailures,
      maxPerIp: settings.loginMaxFailuresPerIp,
      windowSeconds: settings.loginFailureWindowMinutes * 60,
    }),
    verifyPassword: admittedPasswordVerifier(createPasswordVerifier(), deps.staffPasswordAdmission),
    verifyTotp: createStaffTotp({ store: deps.store, clock: deps.clock, windowSteps: settings.totpWindowSteps }),
  };
  return {
    staff,
    ops,
    consoleRouter: consoleRouter(consoleDeps),
    apiRouter: adminApiRouter({ rootDir: deps.config.rootDir, tokenChecks: deps.tokenChecks, ajv: deps.ajv, ops }),
  };
};

export type Admin = Awaited<ReturnType<typeof createAdmin>>;
export { createStaffAccounts, type StaffAccounts, type StaffRecord } from './staff/staff-accounts.ts';
