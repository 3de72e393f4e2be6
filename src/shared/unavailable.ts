/**
 * "A dependency cannot serve right now": the store, the record store, the core-banking gateway.
 * Every surface answers it with 503 and Retry-After (OAuth `temporarily_unavailable`, the data
 * API's error body, a page that keeps the customer's place), never with a 500. Each dependency
 * raises its own subclass (StoreUnavailableError for the store) or this class with its name.
 */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
  /** Which dependency could not serve ("store", "core-banking", ...): for logs and metrics. */
  readonly dependency: string;
  /** Seconds a client should wait before trying again. */
  readonly retryAfterSeconds: number;

  constructor(dependency: string, message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.dependency = dependency;
    this.retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  }
}

export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** The UnavailableError behind an error, looking through `cause` (libraries wrap what they catch). */
export const unavailableCause = (error: unknown): UnavailableError | undefined => {
  for (let e = error, depth = 0; e && depth < 5; depth += 1) {
    if (e instanceof UnavailableError) return e;
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined;
  }
  return undefined;
};
