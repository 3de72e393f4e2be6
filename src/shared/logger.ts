import { pino, stdTimeFunctions, type DestinationStream } from 'pino';

/**
 * Structured JSON-lines logger (pino underneath). Fields whose names suggest a secret are replaced
 * before anything is written, so a careless call cannot leak a token, PIN, OTP or cookie.
 * Lines look like {"level":"info","time":"<ISO 8601>","msg":"...",...fields}.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /**
   * An info line with one field whose value is JSON text the caller has already serialised (and
   * redacted): written as it is, neither parsed nor serialised again. The audit trail logs each
   * event this way, in the text its hash chain covers.
   */
  infoWithJson(msg: string, field: string, json: string): void;
  child(fields: Record<string, unknown>): Logger;
  /** Writes out what is buffered (asynchronous destinations); call before the process exits. */
  flush(): void;
}

const SECRET_FIELD =
  /pin|otp|password|secret|token|cookie|authorization|dpop|assertion|code_verifier|^code$|accountNumber/i;

/**
 * The value with every secret-looking field replaced. Copies only what it changes: a value with
 * nothing to hide (most log lines, every access-log line) comes back as it is, unallocated.
 */
export const redact = (value: unknown, depth = 0): unknown => {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((v: unknown, i) => {
      const r = redact(v, depth + 1);
      if (r !== v) (copy ??= [...value])[i] = r;
    });
    return copy ?? value;
  }
  return redactFields(value, depth);
};

/**
 * An object's fields, redacted as `redact` does: the object itself when nothing is secret. Anything
 * but a plain object (a class instance, an Error) becomes a plain copy of its own fields, redacted:
 * its toJSON could otherwise show what the walk did not see.
 */
const redactFields = <T extends object>(fields: T, depth = 0): T | Record<string, unknown> => {
  const proto: unknown = Object.getPrototypeOf(fields);
  const plain = proto === Object.prototype || proto === null;
  let copy: Record<string, unknown> | undefined = plain ? undefined : {};
  for (const [k, v] of Object.entries(fields)) {
    const r = SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1);
    if (r !== v || copy) (copy ??= Object.fromEntries(Object.entries(fields)))[k] = r;
  }
  return copy ?? fields;
};

export interface LoggerOptions {
  level?: LogLevel;
  /**
   * Where lines go. Default: standard output, written asynchronously (a buffer flushed in the
   * background, so a request never waits on the terminal or a pipe). Tests pass a stream or `write`.
   */
  destination?: DestinationStream;
  /** A function called with each line, synchronously: how tests capture what is logged. */
  write?: (line: string) => void;
  base?: Record<string, unknown>;
}

const wrap = (log: pino.Logger, destination: DestinationStream, bound: Record<string, unknown>): Logger => {
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (!log.isLevelEnabled(level)) return;
    if (fields) log[level](redactFields(fields), msg);
    else log[level](msg);
  };
  // pino's own line layout: level, time, the bound fields, the line's fields, msg.
  const boundText = Object.keys(bound).length ? `,${JSON.stringify(bound).slice(1, -1)}` : '';
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    infoWithJson(msg, field, json) {
      if (!log.isLevelEnabled('info')) return;
      const time = new Date().toISOString();
      destination.write(
        `{"level":"info","time":"${time}"${boundText},${JSON.stringify(field)}:${json},"msg":${JSON.stringify(msg)}}\n`,
      );
    },
    child: (fields) => {
      const redacted = redactFields(fields);
      return wrap(log.child(redacted), destination, { ...bound, ...redacted });
    },
    flush: () => log.flush(),
  };
};

export const createLogger = (options: LoggerOptions = {}): Logger => {
  // pino.destination registers its own exit hook that writes out what is still buffered (flushSync),
  // so lines logged just before process.exit are not lost.
  // Lines are gathered into writes of 4 KB or more, and whatever is gathered goes out every 100 ms
  // at most: one write per line was a tenth of a data call's CPU under load. A line therefore
  // reaches standard output within 100 ms, never later.
  const destination =
    options.destination ??
    (options.write
      ? { write: options.write }
      : pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 }));
  const base = redactFields(options.base ?? {});
  const log = pino(
    {
      level: options.level ?? 'info',
      base,
      timestamp: stdTimeFunctions.isoTime,
      // Level names, not pino's numbers: what the operators' queries and alerts already match.
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return wrap(log, destination, base);
};

export const silentLogger: Logger = createLogger({ write: () => {} });
