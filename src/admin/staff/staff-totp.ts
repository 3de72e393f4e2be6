import type { Clock } from '../../shared/clock.ts';
import { matchTotp } from '../../shared/totp.ts';
import type { Store } from '../../store/store.ts';
import type { StaffRecord } from './staff-accounts.ts';

/**
 * Checks a staff member's one-time code (RFC 6238). Each code counts once: its time step, and
 * every earlier one, is spent for that staff member across instances — at login and at each
 * re-entry before a destructive bulk action alike.
 */
export const createStaffTotp = (deps: { store: Store; clock: Clock; windowSteps: number }) => {
  const keepSeconds = 30 * (2 * deps.windowSteps + 2);
  return async (staff: StaffRecord, code: string): Promise<boolean> => {
    if (!staff.totpSecret || !/^[0-9]{6}$/.test(code)) return false;
    const counter = matchTotp(staff.totpSecret, code, deps.clock.now(), deps.windowSteps);
    if (counter === undefined) return false;
    const lastKey = `staff-totp-last:${staff.username}`;
    const last = Number((await deps.store.get(lastKey)) ?? -1);
    if (counter <= last) return false;
    if (!(await deps.store.setIfAbsent(`staff-totp-used:${staff.username}:${counter}`, '1', keepSeconds))) return false;
    await deps.store.set(lastKey, String(counter), keepSeconds);
    return true;
  };
};

export type StaffTotp = ReturnType<typeof createStaffTotp>;
