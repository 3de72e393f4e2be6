/**
 * Why an operation was refused; the console shows a page for it, the API answers
 * `{"errorCode", "errorMessage"}` with the matching status.
 */
export type OperationErrorCode = 'not_found' | 'invalid_request' | 'conflict';

const STATUS: Record<OperationErrorCode, number> = { not_found: 404, invalid_request: 400, conflict: 409 };

/**
 * One field-level problem, as ajv reports a schema violation (its ErrorObject fits) or as an
 * operation's own rule says it: where (a JSON pointer into the definition), which rule. The
 * console words it in the staff member's language next to the field.
 */
export interface FieldProblem {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
}

export class OperationError extends Error {
  override name = 'OperationError';
  readonly code: OperationErrorCode;
  /** Field-level problems (a partner definition that fails its JSON Schema). */
  readonly problems: string[];
  /** The same problems, structured: for forms that show each one at its field. */
  readonly fields: FieldProblem[];

  constructor(code: OperationErrorCode, message: string, problems: string[] = [], fields: FieldProblem[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
    this.fields = fields;
  }

  get status(): number {
    return STATUS[this.code];
  }
}
