import type { Middleware } from 'koa';
import type { ResourceRequest } from '../../../resource-api/context.ts';
import { invalidToken } from '../../../resource-api/errors.ts';
import type { Actor } from '../../operations/index.ts';

/**
 * The token's client must still be one of the bank's internal clients allowed the admin scopes
 * (a client removed from the configuration stops at once). Its id is the actor of what it does.
 */
export const checkInternalClient = (adminClients: ReadonlySet<string>): Middleware => async (ctx, next) => {
  const request = ctx.state.resource as ResourceRequest;
  if (!adminClients.has(request.payload.clientId)) throw invalidToken('The client is not allowed to use the admin API.');
  ctx.state.actor = { name: request.payload.clientId, via: 'api', requestId: ctx.state.requestId as string | undefined } satisfies Actor;
  await next();
};
