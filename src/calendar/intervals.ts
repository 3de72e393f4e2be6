/** A half-open span of time [start, end) in ms epoch. */
export interface Interval {
  start: number;
  end: number;
}

/** `from` (sorted, disjoint) minus every interval in `cuts` (any order, may overlap). */
export const subtractIntervals = (from: Interval[], cuts: Interval[]): Interval[] => {
  let rest = from;
  for (const cut of cuts) {
    const next: Interval[] = [];
    for (const piece of rest) {
      if (cut.end <= piece.start || cut.start >= piece.end) {
        next.push(piece);
        continue;
      }
      if (piece.start < cut.start) next.push({ start: piece.start, end: cut.start });
      if (cut.end < piece.end) next.push({ start: cut.end, end: piece.end });
    }
    rest = next;
  }
  return rest;
};

/** Sorts and joins overlapping or touching intervals. */
export const mergeIntervals = (intervals: Interval[]): Interval[] => {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
};

export const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;
