import type { Context } from 'koa';
import type { AdminOperations, Actor } from '../operations/index.ts';
import type { JsonBodyReader } from '../../http/json-body.ts';

export interface ApiDeps {
  ops: AdminOperations;
  readBody: JsonBodyReader;
}

/** The internal client calling (checkInternalClient put it there). */
export const actorOf = (ctx: Context): Actor => ctx.state.actor as Actor;
