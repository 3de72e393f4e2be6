import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

type ReadFile = (path: string) => string;
const read: ReadFile = (path) => readFileSync(path, 'utf8');

/**
 * The CPU quota of the process's cgroup, in CPUs (1.5 for "150000 100000"), or undefined when there
 * is none: cgroup v2's cpu.max, else v1's cfs quota. A container limited to 2 CPUs on a 64-core host
 * sees 64 in os.availableParallelism(); only the quota says what it may really use.
 */
export const cgroupCpuQuota = (readFile: ReadFile = read): number | undefined => {
  const ratio = (quota: number, period: number) => (quota > 0 && period > 0 ? quota / period : undefined);
  try {
    const [quota, period] = readFile('/sys/fs/cgroup/cpu.max').trim().split(/\s+/);
    return quota === 'max' ? undefined : ratio(Number(quota), Number(period));
  } catch {
    // not cgroup v2
  }
  try {
    const quota = Number(readFile('/sys/fs/cgroup/cpu/cpu.cfs_quota_us').trim());
    const period = Number(readFile('/sys/fs/cgroup/cpu/cpu.cfs_period_us').trim());
    return ratio(quota, period);
  } catch {
    return undefined;
  }
};

/** Whole CPUs the process may use: the smaller of availableParallelism() and the cgroup quota (at least 1). */
export const usableCpus = (
  deps: { parallelism?: number; readFile?: ReadFile } = {},
): { cpus: number; parallelism: number; quota?: number } => {
  const parallelism = deps.parallelism ?? availableParallelism();
  const quota = cgroupCpuQuota(deps.readFile);
  const cpus = Math.max(1, Math.min(parallelism, quota === undefined ? parallelism : Math.floor(quota)));
  return { cpus, parallelism, quota };
};

/**
 * The default number of identity checks run at once: one CPU is left to the event loop (which
 * serves the data API and every page), the checks may take the rest; at least one.
 */
export const defaultConcurrentChecks = (cpus: number): number => Math.max(1, cpus - 1);
