/**
 * Structured JSON-lines logger. Fields whose names suggest a secret are replaced before
 * anything is written, so a careless call cannot leak a token, PIN, OTP or cookie.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD =
  /pin|otp|password|secret|token|cookie|authorization|dpop|assertion|code_verifier|^code$|accountNumber/i;

export const redact = (value: unknown, depth = 0): unknown => {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
};

export const createLogger = (
  options: { level?: LogLevel; write?: (line: string) => void; base?: Record<string, unknown> } = {},
): Logger => {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const make = (base: Record<string, unknown>): Logger => {
    const log = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[level] < min) return;
      const entry = { time: new Date().toISOString(), level, msg, ...(redact({ ...base, ...fields }) as object) };
      write(`${JSON.stringify(entry)}\n`);
    };
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (f) => make({ ...base, ...f }),
    };
  };
  return make(options.base ?? {});
};

export const silentLogger: Logger = createLogger({ write: () => {} });
