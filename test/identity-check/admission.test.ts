import { BusyError, createAdmission, type SetTimer } from '../../src/shared/admission.ts';
import { cgroupCpuQuota, defaultConcurrentChecks, usableCpus } from '../../src/shared/cpu-budget.ts';
import { UnavailableError } from '../../src/shared/unavailable.ts';

/** Timers the test fires by hand: no waiting on the wall clock. */
const manualTimers = () => {
  const pending = new Set<{ fn: () => void; ms: number }>();
  const setTimer: SetTimer = (fn, ms) => {
    const entry = { fn, ms };
    pending.add(entry);
    return () => pending.delete(entry);
  };
  return {
    setTimer,
    get count() {
      return pending.size;
    },
    fireAll() {
      for (const entry of [...pending]) {
        pending.delete(entry);
        entry.fn();
      }
    },
  };
};

/** A piece of work that ends when the test says so. */
const gate = () => {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { done, open };
};

const settings = { concurrent: 2, maxWaitMs: 200, queue: 2, retryAfterSeconds: 3 };

describe('the admission limit of identity checks', () => {
  it('runs at most `concurrent` at once; the next waits and runs as soon as a place is free', async () => {
    const timers = manualTimers();
    const outcomes: string[] = [];
    const admission = createAdmission('pin_check', settings, {
      setTimer: timers.setTimer,
      onOutcome: (o) => void outcomes.push(o),
    });
    const [a, b] = [gate(), gate()];
    const started: string[] = [];
    const first = admission.run(async () => (started.push('a'), a.done));
    const second = admission.run(async () => (started.push('b'), b.done));
    const third = admission.run(async () => void started.push('c'));
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    expect(admission.load).toEqual({ running: 2, waiting: 1 });
    a.open();
    await first;
    await third;
    expect(started).toEqual(['a', 'b', 'c']);
    // The waiter's timer was cancelled when it got its place.
    expect(timers.count).toBe(0);
    b.open();
    await second;
    expect(admission.load).toEqual({ running: 0, waiting: 0 });
    expect(outcomes).toEqual(['admitted', 'admitted', 'admitted']);
  });

  it('refuses with a BusyError (503, Retry-After) once the short wait has run out, never leaving a check hanging', async () => {
    const timers = manualTimers();
    const outcomes: string[] = [];
    const admission = createAdmission('pin_check', settings, {
      setTimer: timers.setTimer,
      onOutcome: (o) => void outcomes.push(o),
    });
    const hold = gate();
    const running = [admission.run(() => hold.done), admission.run(() => hold.done)];
    let ran = false;
    const waiting = admission.run(async () => void (ran = true));
    expect(admission.load.waiting).toBe(1);
    timers.fireAll();
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusyError);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as BusyError).retryAfterSeconds).toBe(3);
    expect(ran).toBe(false);
    expect(admission.load).toEqual({ running: 2, waiting: 0 });
    hold.open();
    await Promise.all(running);
    expect(outcomes).toEqual(['admitted', 'admitted', 'refused']);
  });

  it('refuses at once when the line is full, or when no wait is allowed', async () => {
    const timers = manualTimers();
    const admission = createAdmission('pin_check', settings, { setTimer: timers.setTimer });
    const hold = gate();
    const held = [1, 2, 3, 4].map(() => admission.run(() => hold.done).catch((e: unknown) => e));
    expect(admission.load).toEqual({ running: 2, waiting: 2 });
    await expect(admission.run(async () => 'x')).rejects.toBeInstanceOf(BusyError);
    hold.open();
    expect(await Promise.all(held)).toEqual([undefined, undefined, undefined, undefined]);

    const noWait = createAdmission('staff_password', { ...settings, concurrent: 1, maxWaitMs: 0 });
    const busy = gate();
    const one = noWait.run(() => busy.done);
    await expect(noWait.run(async () => 'x')).rejects.toMatchObject({ name: 'BusyError', limit: 'staff_password' });
    busy.open();
    await one;
  });

  it('gives the place back when a check fails', async () => {
    const admission = createAdmission('pin_check', { ...settings, concurrent: 1 });
    await expect(admission.run(async () => Promise.reject(new Error('gateway down')))).rejects.toThrow('gateway down');
    expect(admission.load).toEqual({ running: 0, waiting: 0 });
    expect(await admission.run(async () => 'ok')).toBe('ok');
  });
});

describe('the CPUs the process may really use', () => {
  const files = (entries: Record<string, string>) => (path: string) => {
    if (!(path in entries)) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
    return entries[path];
  };

  it('takes the cgroup v2 quota over the host CPU count', () => {
    const readFile = files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' });
    expect(cgroupCpuQuota(readFile)).toBe(1.5);
    expect(usableCpus({ parallelism: 64, readFile })).toEqual({ cpus: 1, parallelism: 64, quota: 1.5 });
    expect(usableCpus({ parallelism: 64, readFile: files({ '/sys/fs/cgroup/cpu.max': '400000 100000' }) }).cpus).toBe(
      4,
    );
  });

  it('uses os.availableParallelism() when the quota is "max", or there is no cgroup file', () => {
    expect(usableCpus({ parallelism: 8, readFile: files({ '/sys/fs/cgroup/cpu.max': 'max 100000' }) }).cpus).toBe(8);
    expect(usableCpus({ parallelism: 2, readFile: files({}) })).toEqual({ cpus: 2, parallelism: 2, quota: undefined });
  });

  it('reads cgroup v1 quotas, where -1 means none', () => {
    const v1 = (quota: string) =>
      files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': quota, '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' });
    expect(cgroupCpuQuota(v1('200000'))).toBe(2);
    expect(cgroupCpuQuota(v1('-1'))).toBeUndefined();
  });

  it('leaves one CPU to the event loop by default, and never goes below one check at once', () => {
    expect(defaultConcurrentChecks(1)).toBe(1);
    expect(defaultConcurrentChecks(2)).toBe(1);
    expect(defaultConcurrentChecks(8)).toBe(7);
  });
});
