import { StoreUnavailableError } from '../store/store.ts';

/**
 * The core-banking gateway could not answer in time (down, slow, failing, or the circuit breaker
 * is open). It extends the store's outage error so that every place that answers a store outage
 * with 503 (the data API, the flow's unavailable page, oidc-provider's hooks) answers this too.
 */
export class CoreBankingUnavailableError extends StoreUnavailableError {
  override name = 'CoreBankingUnavailableError';
  readonly operation: string;

  constructor(operation: string, reason: string) {
    super(`core-banking gateway unavailable (${operation}): ${reason}`);
    this.operation = operation;
  }
}

/** The gateway answered something this server cannot use (a 4xx for a valid call, a body off the contract). */
export class CoreBankingProtocolError extends Error {
  override name = 'CoreBankingProtocolError';
}
