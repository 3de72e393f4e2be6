import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { JsonParser } from '../../web/json-body.ts';
import type { InternalClientState } from '../../web/tokens/token-request.ts';
import type { Actor, AdminOperations } from '../operations/index.ts';

export interface ApiDeps {
  ops: AdminOperations;
  parseJson: JsonParser;
}

/** What a call of the admin API carries once authenticated: the internal client is the actor. */
export interface AdminApiState extends InternalClientState {
  actor: Actor;
  requestId?: string;
}

export type AdminApiRouter = Router<AdminApiState>;
export type ScopeChecks = { read: Middleware<AdminApiState>; write: Middleware<AdminApiState> };
