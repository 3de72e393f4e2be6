import Router from '@koa/router';
import type { DefaultState } from 'koa';

/**
 * Every router of the app, case-sensitive. @koa/router matches routes case-insensitively by
 * default but its `router.use` middleware by the prefix as written, so `/ADMIN/API/V1/partners`
 * reached a route without the authentication registered with `use`, and `/MY/` a page without
 * the service-hours gate. One spelling per route: the one the gates and middleware see.
 */
export const createRouter = <S = DefaultState>(options: { prefix?: string } = {}) =>
  new Router<S>({ ...options, sensitive: true });
