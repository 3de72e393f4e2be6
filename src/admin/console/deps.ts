import type Router from '@koa/router';
import type { Ajv } from 'ajv';
import type { AuditLog } from '../../audit/index.ts';
import type { Config } from '../../config/load-config.ts';
import type { Settings } from '../../config/schema.ts';
import type { Render } from '../../http/render.ts';
import type { Locale } from '../../i18n/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AdminTranslate } from '../i18n/index.ts';
import type { AdminOperations, Actor } from '../operations/index.ts';
import type { Permission } from '../permissions.ts';
import type { PasswordVerifier } from '../staff/passwords.ts';
import type { StaffAccounts, StaffRecord } from '../staff/staff-accounts.ts';
import type { StaffTotp } from '../staff/staff-totp.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { AdminSession, AdminSessions } from './sessions.ts';

/** What the console reads of the configuration: its files' root, the issuer, the partner files. */
export type ConsoleConfig = Pick<Config, 'rootDir' | 'partners'> & {
  settings: { server: Pick<Settings['server'], 'issuer'> };
};

export interface ConsoleDeps {
  config: ConsoleConfig;
  render: Render;
  ajv: Ajv;
  clock: Clock;
  audit: AuditLog;
  ops: AdminOperations;
  staff: StaffAccounts;
  sessions: AdminSessions;
  throttle: LoginThrottle;
  verifyPassword: PasswordVerifier;
  verifyTotp: StaffTotp;
}

/** What the steps of one console request share, on ctx.state.console. */
export interface ConsoleRequest {
  locale: Locale;
  at: AdminTranslate;
  sessionId?: string;
  session?: AdminSession;
  /** Set once an active session is loaded (every page but the login pages). */
  staff?: StaffRecord;
  can?: Record<Permission, boolean>;
  actor?: Actor;
}

/** ctx.state of a console route. */
export interface ConsoleRouteState {
  console: ConsoleRequest;
  requestId?: string;
}

export type ConsoleRouter = Router<ConsoleRouteState>;

/** The request state of a page behind the login: staff, permissions and actor are there. */
export type SignedInRequest = ConsoleRequest &
  Required<Pick<ConsoleRequest, 'sessionId' | 'session' | 'staff' | 'can' | 'actor'>>;
