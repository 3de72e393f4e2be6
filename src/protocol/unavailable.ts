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

/** A call of the adapter whose outages become ProviderUnavailableError. */
const translated =
  <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    try {
      return await call(...args);
    } catch (error) {
      throw translate(error);
    }
  };

/** The adapter with its outages turned into ProviderUnavailableError. */
export const translateOutages = (adapter: Adapter): Adapter => ({
  upsert: translated(adapter.upsert.bind(adapter)),
  find: translated(adapter.find.bind(adapter)),
  findByUid: translated(adapter.findByUid.bind(adapter)),
  findByUserCode: translated(adapter.findByUserCode.bind(adapter)),
  consume: translated(adapter.consume.bind(adapter)),
  destroy: translated(adapter.destroy.bind(adapter)),
  revokeByGrantId: translated(adapter.revokeByGrantId.bind(adapter)),
});
