/**
 * Why an operation was refused; the console shows a page for it, the API answers
 * `{"errorCode", "errorMessage"}` with the matching status.
 */
export type OperationErrorCode = 'not_found' | 'invalid_request' | 'conflict';

const STATUS: Record<OperationErrorCode, number> = { not_found: 404, invalid_request: 400, conflict: 409 };

export class OperationError extends Error {
  override name = 'OperationError';
  readonly code: OperationErrorCode;
  /** Field-level problems (a partner definition that fails its JSON Schema). */
  readonly problems: string[];

  constructor(code: OperationErrorCode, message: string, problems: string[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }

  get status(): number {
    return STATUS[this.code];
  }
}
