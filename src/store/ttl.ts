/**
 * Both stores reject what Redis would reject, so a caller that works on the embedded store cannot
 * fail only in production: TTLs are whole positive seconds, timestamps whole epoch seconds.
 */
export const assertTtlSeconds = (ttlSeconds: number): void => {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`a TTL must be a whole number of seconds above 0, got ${ttlSeconds}`);
  }
};

export const assertEpochSeconds = (epochSeconds: number): void => {
  if (!Number.isSafeInteger(epochSeconds) || epochSeconds < 0) {
    throw new RangeError(`expected whole epoch seconds, got ${epochSeconds}`);
  }
};
