import type { Adapter } from 'oidc-provider';
import { UnavailableError, unavailableCause } from '../shared/unavailable.ts';

/**
 * A dependency outage in the shape oidc-provider renders as it stands: it answers its own errors
 * inside provider.callback() from `statusCode`, `expose`, `message` (the OAuth error code) and
 * `error_description`, so this becomes 503 `temporarily_unavailable` there (JSON, its error page,
 * or a redirect to the partner for /auth), where a plain rejection would be 500 `server_error`.
 */
/** The error_description of an outage answer (an operator's restriction has its own message). */
export const OUTAGE_DESCRIPTION = 'the service is temporarily unavailable; try again shortly';

export class ProviderUnavailableError extends UnavailableError {
  override name = 'ProviderUnavailableError';
  readonly status = 503;
  readonly statusCode = 503;
  readonly expose = true;
  readonly error = 'temporarily_unavailable';
  readonly error_description = OUTAGE_DESCRIPTION;
  readonly allow_redirect = true;

  constructor(cause: UnavailableError) {
    super(cause.dependency, 'temporarily_unavailable', { cause, retryAfterSeconds: cause.retryAfterSeconds });
  }
}

const translate = (error: unknown): unknown => {
  if (error instanceof ProviderUnavailableError) return error;
  const unavailable = unavailableCause(error);
  return unavailable ? new ProviderUnavailableError(unavailable) : error;
};

/** The adapter with its outages turned into ProviderUnavailableError. */
export const translateOutages = (adapter: Adapter): Adapter => {
  const wrapped: Record<string, unknown> = {};
  for (const name of [
    'upsert',
    'find',
    'findByUid',
    'findByUserCode',
    'consume',
    'destroy',
    'revokeByGrantId',
  ] as const) {
    const method = adapter[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!method) continue;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(adapter, args);
      } catch (error) {
        throw translate(error);
      }
    };
  }
  return wrapped as unknown as Adapter;
};
