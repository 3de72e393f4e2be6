import type { Store } from '../../src/store/store.ts';

/**
 * Every key and value of the store (strings, sets, streams), for a before/after diff. Keys under
 * `ignored` prefixes change on purpose even when a request is refused: listed, never guessed.
 */
export const snapshotStore = async (
  store: Store,
  ignored: readonly string[],
  /** JSON fields that change on purpose under a prefix (a session's last activity). */
  activityFields: Record<string, readonly string[]> = {},
) => {
  const withoutActivity = (key: string, value: string) => {
    const prefix = Object.keys(activityFields).find((p) => key.startsWith(p));
    if (!prefix) return value;
    try {
      const parsed = JSON.parse(value) as Record<string, unknown>;
      for (const field of activityFields[prefix]) delete parsed[field];
      return JSON.stringify(parsed);
    } catch {
      return value;
    }
  };
  const out = new Map<string, string>();
  const keys = (await store.keysWithPrefix('')).filter((k) => !ignored.some((p) => k.startsWith(p)));
  for (const key of keys) {
    try {
      const value = await store.get(key);
      if (value !== undefined) out.set(key, withoutActivity(key, value));
      continue;
    } catch {
      // Not a string: a set or a stream.
    }
    try {
      out.set(key, `set:${(await store.setMembers(key)).sort().join(',')}`);
      continue;
    } catch {
      // Not a set: a stream.
    }
    const entries = await store.readStream(key);
    out.set(key, `stream:${entries.length}:${entries.at(-1)?.id ?? ''}`);
  }
  return out;
};

/** What differs between two snapshots: keys added, removed or changed. */
export const diffSnapshots = (before: Map<string, string>, after: Map<string, string>) => {
  const changes: string[] = [];
  for (const [key, value] of after) {
    if (!before.has(key)) changes.push(`+ ${key}`);
    else if (before.get(key) !== value) changes.push(`~ ${key}`);
  }
  for (const key of before.keys()) if (!after.has(key)) changes.push(`- ${key}`);
  return changes;
};
