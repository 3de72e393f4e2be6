import type { Store } from '../../store/store.ts';

/**
 * Failed console logins, counted per username and per client address across instances. Past the
 * limit, logins wait until the window has passed — even with the right password, so guessing
 * gains nothing. Unknown usernames count like real ones.
 */
export const createLoginThrottle = (deps: {
  store: Store;
  maxPerUser: number;
  maxPerIp: number;
  windowSeconds: number;
}) => {
  const userKey = (username: string) => `admin-login-failures:user:${encodeURIComponent(username.slice(0, 64))}`;
  const ipKey = (ip: string) => `admin-login-failures:ip:${encodeURIComponent(ip)}`;

  return {
    windowSeconds: deps.windowSeconds,
    async blocked(username: string, ip: string): Promise<boolean> {
      const [user, address] = await deps.store.getMany([userKey(username), ipKey(ip)]);
      return Number(user ?? 0) >= deps.maxPerUser || Number(address ?? 0) >= deps.maxPerIp;
    },
    async failed(username: string, ip: string): Promise<void> {
      await deps.store.incr(userKey(username), deps.windowSeconds);
      await deps.store.incr(ipKey(ip), deps.windowSeconds);
    },
    async succeeded(username: string): Promise<void> {
      await deps.store.del([userKey(username)]);
    },
  };
};

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
