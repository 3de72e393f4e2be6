/** The time source every module uses, so that tests move time instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock the tests move by hand. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: number | Date = Date.now()) {
    this.#ms = typeof start === 'number' ? start : start.getTime();
  }
  now(): number {
    return this.#ms;
  }
  set(to: number | Date): void {
    this.#ms = typeof to === 'number' ? to : to.getTime();
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export const epochSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000);
