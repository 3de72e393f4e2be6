import { UnavailableError } from './unavailable.ts';

/**
 * An admission limit refused the work: too many of its kind were running and the short wait ran
 * out (or the line was full). An UnavailableError, so every surface answers 503 with Retry-After;
 * a browser gets the 混雑 page (views/busy.eta) rather than the outage page.
 */
export class BusyError extends UnavailableError {
  override name = 'BusyError';
  /** The limit that refused (pin_check, staff_password). */
  readonly limit: string;
  constructor(limit: string, retryAfterSeconds: number) {
    super(`admission:${limit}`, `${limit}: too many at once, refused after the admission wait`, { retryAfterSeconds });
    this.limit = limit;
  }
}

export const isBusy = (error: unknown): error is BusyError => error instanceof BusyError;

export interface AdmissionSettings {
  /** How many run at once. */
  concurrent: number;
  /** How long one may wait for a free place before it is refused (0: refused at once). */
  maxWaitMs: number;
  /** How many may wait at once; beyond that, refused at once. */
  queue: number;
  /** Retry-After of a refusal. */
  retryAfterSeconds: number;
}

/** Schedules `fn` after `ms`; answers the cancel. Tests pass their own, moved by hand. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

const realTimer: SetTimer = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * An admission limit inside the process: at most `concurrent` pieces of work of one kind run at
 * once (the argon2 PIN check, a staff password check, a gateway call); the next ones wait in line,
 * first come first served, at most `maxWaitMs`, and are then refused with a BusyError — never left
 * hanging. It bounds what the work can take from everything else the process does (the data API
 * runs on the same event loop and libuv pool) without making that pool smaller for everyone.
 */
export const createAdmission = (
  limit: string,
  settings: AdmissionSettings,
  hooks: { onOutcome?: (outcome: 'admitted' | 'refused') => void; setTimer?: SetTimer } = {},
) => {
  const setTimer = hooks.setTimer ?? realTimer;
  let running = 0;
  const line: { start: () => void; cancel: () => void }[] = [];

  const refuse = (): never => {
    hooks.onOutcome?.('refused');
    throw new BusyError(limit, settings.retryAfterSeconds);
  };
  // A place that frees up goes to the first in line (the running count stays), or is given back.
  const release = () => {
    const next = line.shift();
    if (!next) {
      running -= 1;
      return;
    }
    next.cancel();
    next.start();
  };

  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running < settings.concurrent) running += 1;
      else if (settings.maxWaitMs === 0 || line.length >= settings.queue) refuse();
      else
        await new Promise<void>((resolve, reject) => {
          const entry = { start: resolve, cancel: () => {} };
          entry.cancel = setTimer(() => {
            line.splice(line.indexOf(entry), 1);
            try {
              refuse();
            } catch (error) {
              reject(error);
            }
          }, settings.maxWaitMs);
          line.push(entry);
        });
      hooks.onOutcome?.('admitted');
      try {
        return await work();
      } finally {
        release();
      }
    },
    /** What runs and waits now (for tests and the bench). */
    get load() {
      return { running, waiting: line.length };
    },
  };
};

export type Admission = ReturnType<typeof createAdmission>;
