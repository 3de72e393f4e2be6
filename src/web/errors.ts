/**
 * An answer the data API gives on purpose: status, a machine-readable code and a message, and for
 * 401 the WWW-Authenticate challenge RFC 6750 / RFC 9449 describe.
 */
export class ResourceError extends Error {
  override name = 'ResourceError';
  readonly status: number;
  readonly errorCode: string;
  /** The RFC 6750 / 9449 error for WWW-Authenticate, when the failure is about the credentials. */
  readonly authError?:
    'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce' | 'insufficient_scope' | 'invalid_request';
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    errorCode: string,
    message: string,
    options: { authError?: ResourceError['authError']; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.authError = options.authError;
    this.headers = options.headers ?? {};
  }
}

export const invalidToken = (message: string) =>
  new ResourceError(401, 'invalid_token', message, { authError: 'invalid_token' });
export const invalidDpopProof = (message: string) =>
  new ResourceError(401, 'invalid_dpop_proof', message, { authError: 'invalid_dpop_proof' });
export const badRequest = (errorCode: string, message: string) => new ResourceError(400, errorCode, message);
/** An account the grant does not cover looks exactly like one that does not exist. */
export const accountNotFound = () => new ResourceError(404, 'account_not_found', 'No such account.');
