import type { OneOffWindow } from './config-schema.ts';
import { overlaps, type Interval } from './intervals.ts';
import { CalendarConfigError, parseOneOffWindow } from './parse-config.ts';
import type { Surface } from './surfaces.ts';

export interface ActiveOneOffWindow extends Interval {
  window: OneOffWindow;
}

/**
 * Operator-added closures, kept in memory. Whoever persists them loads the stored list in with
 * `replaceAll` (at start, and whenever another instance changed it).
 */
export interface OneOffWindowRegistry {
  list(): OneOffWindow[];
  add(window: OneOffWindow): OneOffWindow;
  remove(id: string): boolean;
  replaceAll(windows: OneOffWindow[]): void;
  /** Windows closing the surface that overlap the span. */
  overlapping(surface: Surface, span: Interval): ActiveOneOffWindow[];
  /** Whether any window closes the surface at all. */
  touches(surface: Surface): boolean;
  /** Grows on every change, so that what was computed from the windows can tell it is stale. */
  version(): number;
}

const compile = (window: OneOffWindow): ActiveOneOffWindow => {
  const copy = { ...window, surfaces: [...window.surfaces] };
  return { window: copy, start: Date.parse(copy.from), end: Date.parse(copy.to) };
};

const copyOf = (window: OneOffWindow): OneOffWindow => ({ ...window, surfaces: [...window.surfaces] });

export const createOneOffWindowRegistry = (initial: OneOffWindow[]): OneOffWindowRegistry => {
  let windows = new Map<string, ActiveOneOffWindow>();
  let version = 0;
  const onChange = (): void => {
    version += 1;
  };

  const replaceAll = (list: OneOffWindow[]): void => {
    // All or nothing: a bad entry leaves the current list in place.
    const next = new Map<string, ActiveOneOffWindow>();
    list.forEach((window, i) => {
      const parsed = parseOneOffWindow(window, `oneOffWindows/${i}`);
      if (next.has(parsed.id)) throw new CalendarConfigError(`oneOffWindows/${i}/id "${parsed.id}" is used twice`);
      next.set(parsed.id, compile(parsed));
    });
    windows = next;
    onChange();
  };

  replaceAll(initial);

  return {
    list: () => [...windows.values()].sort((a, b) => a.start - b.start).map((w) => copyOf(w.window)),
    add(window) {
      const parsed = parseOneOffWindow(window);
      if (windows.has(parsed.id)) throw new CalendarConfigError(`window/id "${parsed.id}" already exists`);
      const active = compile(parsed);
      windows.set(parsed.id, active);
      onChange();
      return copyOf(active.window);
    },
    remove(id) {
      const removed = windows.delete(id);
      if (removed) onChange();
      return removed;
    },
    replaceAll,
    overlapping(surface, span) {
      const found: ActiveOneOffWindow[] = [];
      for (const w of windows.values()) if (w.window.surfaces.includes(surface) && overlaps(w, span)) found.push(w);
      return found;
    },
    version: () => version,
    touches: (surface) => [...windows.values()].some((w) => w.window.surfaces.includes(surface)),
  };
};
