import type { Store } from '../store/store.ts';
import type { LoginAccountRef, LoginFailureState } from './port.ts';

/**
 * Store keys of one login account's counter and lock. The braces are a Redis Cluster hash tag:
 * both keys of an account live in one slot, so they can be read together. Parts are URI-encoded
 * so that no input can close the tag or forge another account's key.
 */
export const loginFailureKeys = (ref: LoginAccountRef): { count: string; lock: string } => {
  const id = [ref.branchCode, ref.accountType, ref.accountNumber].map(encodeURIComponent).join(':');
  const count = `core:login-failures:{${id}}`;
  return { count, lock: `${count}:locked` };
};

/**
 * Consecutive PIN failures per login account. The count is an atomic increment (instances share
 * it); reaching `lockAfter` sets a lock that stays until `unlock` (branch counter procedure), even
 * when a later correct PIN resets the count. For an account the core system knows nothing here
 * expires on its own. An account reference it does not know (a typo, or someone trying numbers)
 * is counted and locked the same way — so that answers do not tell which accounts exist — but
 * only for `unknownSeconds`: made-up numbers never leave keys behind for good.
 */
export const createLoginFailureCounter = (store: Store, options: { unknownSeconds?: number } = {}) => ({
  async state(ref: LoginAccountRef): Promise<LoginFailureState> {
    const keys = loginFailureKeys(ref);
    const [count, lock] = await store.getMany([keys.count, keys.lock]);
    return { consecutiveFailures: count === undefined ? 0 : Number(count), locked: lock !== undefined };
  },

  async record(ref: LoginAccountRef, lockAfter: number, known = true): Promise<LoginFailureState> {
    if (!Number.isInteger(lockAfter) || lockAfter < 1)
      throw new RangeError(`lockAfter must be a positive integer: ${lockAfter}`);
    const keys = loginFailureKeys(ref);
    const ttl = known ? undefined : (options.unknownSeconds ?? 3600);
    const consecutiveFailures = await store.incr(keys.count, ttl);
    if (consecutiveFailures >= lockAfter) {
      await store.set(keys.lock, '1', ttl);
      return { consecutiveFailures, locked: true };
    }
    return { consecutiveFailures, locked: (await store.get(keys.lock)) !== undefined };
  },

  async reset(ref: LoginAccountRef): Promise<void> {
    await store.del([loginFailureKeys(ref).count]);
  },

  async unlock(ref: LoginAccountRef): Promise<void> {
    const keys = loginFailureKeys(ref);
    await store.del([keys.count, keys.lock]);
  },
});
