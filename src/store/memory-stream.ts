import type { StreamEntry, StreamRange } from './store.ts';

type Id = { ms: number; seq: number };

export const parseStreamId = (id: string): Id => {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) throw new TypeError(`not a stream id: "${id}"`);
  return { ms: Number(match[1]), seq: Number(match[2]) };
};

const compare = (a: Id, b: Id) => a.ms - b.ms || a.seq - b.seq;

/**
 * A Redis Stream in memory, for the embedded store: ids grow even when entries are deleted, an
 * earlier time gets the newest ms, trimming drops exactly the entries below the limit.
 */
export class MemoryStream {
  readonly #entries: { id: Id; value: string }[] = [];
  #last: Id = { ms: 0, seq: 0 };

  append(entries: { atMs: number; value: string }[], trimBeforeMs?: number): string[] {
    const ids = entries.map(({ atMs, value }) => {
      const ms = Math.max(Math.floor(atMs), this.#last.ms);
      const id = { ms, seq: ms === this.#last.ms ? this.#last.seq + 1 : 0 };
      this.#last = id;
      this.#entries.push({ id, value });
      return `${id.ms}-${id.seq}`;
    });
    if (trimBeforeMs !== undefined) {
      const keep = this.#entries.findIndex((e) => e.id.ms >= trimBeforeMs);
      this.#entries.splice(0, keep === -1 ? this.#entries.length : keep);
    }
    return ids;
  }

  get length(): number {
    return this.#entries.length;
  }

  read(range: StreamRange = {}): StreamEntry[] {
    const after = range.after === undefined ? undefined : parseStreamId(range.after);
    const out: StreamEntry[] = [];
    for (const { id, value } of this.#entries) {
      if (after ? compare(id, after) <= 0 : range.fromMs !== undefined && id.ms < range.fromMs) continue;
      if (range.toMs !== undefined && id.ms > range.toMs) break;
      out.push({ id: `${id.ms}-${id.seq}`, value });
      if (range.count !== undefined && out.length >= range.count) break;
    }
    return out;
  }

  delete(ids: string[]): number {
    const wanted = new Set(ids);
    let removed = 0;
    for (let i = this.#entries.length - 1; i >= 0; i -= 1) {
      const { id } = this.#entries[i];
      if (wanted.has(`${id.ms}-${id.seq}`)) {
        this.#entries.splice(i, 1);
        removed += 1;
      }
    }
    return removed;
  }
}
