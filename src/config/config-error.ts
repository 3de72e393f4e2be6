import type { ErrorObject } from 'ajv';

/** A configuration problem found at start-up: names the file, the field and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly file: string;
  readonly problems: string[];

  constructor(file: string, problems: string[]) {
    super(`invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.file = file;
    this.problems = problems;
  }

  /** The whole problem on one line, for the start-up refusal on stderr. */
  oneLine(): string {
    return `invalid configuration in ${this.file}: ${this.problems.join(' ')}`;
  }

  static fromAjv(file: string, errors: ErrorObject[] | null | undefined): ConfigError {
    return new ConfigError(file, (errors ?? []).map(describeAjvError));
  }
}

const describeAjvError = (e: ErrorObject): string => {
  const field = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : '(top level)';
  switch (e.keyword) {
    case 'additionalProperties':
      return `${field}: unknown field "${String(e.params.additionalProperty)}"`;
    case 'required':
      return `${field}: missing required field "${String(e.params.missingProperty)}"`;
    case 'enum': {
      const allowed: unknown = e.params.allowedValues;
      const values = (Array.isArray(allowed) ? allowed : []).map((v) => JSON.stringify(v));
      return `${field}: must be one of ${values.join(', ')}`;
    }
    default:
      return `${field}: ${e.message}`;
  }
};
