import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../store/store.ts';
import { isRole, type Role } from '../permissions.ts';
import { hashPassword } from './passwords.ts';
import { newTotpSecret } from './totp-secret.ts';
import { isOptional } from '../../shared/unknown-json.ts';

/**
 * A bank staff member's account, stored under `staff:{username}`. The TOTP secret is needed in
 * clear to check codes; without one the account cannot log in at all.
 */
export interface StaffRecord {
  username: string;
  role: Role;
  passwordHash: string;
  totpSecret?: string;
  disabled: boolean;
  createdAt: number;
  createdBy: string;
  disabledAt?: number;
  disabledBy?: string;
}

/** What a listing shows: never the hash or the secret. */
export interface StaffSummary {
  username: string;
  role: Role;
  disabled: boolean;
  hasTotp: boolean;
  createdAt: number;
  createdBy: string;
}

export const USERNAME_PATTERN = '^[a-z][a-z0-9._-]{2,31}$';
const usernameRe = new RegExp(USERNAME_PATTERN);
export const isUsername = (value: unknown): value is string => typeof value === 'string' && usernameRe.test(value);

const key = (username: string) => `staff:${username}`;

/** A stored record read back: every field checked, so a damaged or foreign value is no account at all. */
export const parseStaffRecord = (raw: string): StaffRecord | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r: Partial<Record<keyof StaffRecord, unknown>> = value;
  const { username, role, passwordHash, totpSecret, disabled, createdAt, createdBy, disabledAt, disabledBy } = r;
  if (!isUsername(username) || !isRole(role) || typeof passwordHash !== 'string') return undefined;
  if (typeof disabled !== 'boolean' || typeof createdAt !== 'number' || typeof createdBy !== 'string') return undefined;
  if (!isOptional(totpSecret, 'string') || !isOptional(disabledAt, 'number') || !isOptional(disabledBy, 'string'))
    return undefined;
  return {
    username,
    role,
    passwordHash,
    disabled,
    createdAt,
    createdBy,
    ...(totpSecret !== undefined ? { totpSecret } : {}),
    ...(disabledAt !== undefined ? { disabledAt } : {}),
    ...(disabledBy !== undefined ? { disabledBy } : {}),
  };
};

export class StaffAccountError extends Error {
  override name = 'StaffAccountError';
}

export const summarize = (record: StaffRecord): StaffSummary => ({
  username: record.username,
  role: record.role,
  disabled: record.disabled,
  hasTotp: Boolean(record.totpSecret),
  createdAt: record.createdAt,
  createdBy: record.createdBy,
});

export const createStaffAccounts = (deps: { store: Store; clock: Clock }) => {
  const find = async (username: string): Promise<StaffRecord | undefined> => {
    if (!isUsername(username)) return undefined;
    const raw = await deps.store.get(key(username));
    return raw === undefined ? undefined : parseStaffRecord(raw);
  };
  const save = (record: StaffRecord) => deps.store.set(key(record.username), JSON.stringify(record));

  return {
    find,
    /** Stores a record as it is (demo seeding, tests); `add` is the way to create an account. */
    save,

    /** A new account with its password hashed and a fresh TOTP secret, which the caller shows once. */
    async add(input: {
      username: string;
      role: Role;
      password: string;
      createdBy: string;
    }): Promise<{ record: StaffRecord; totpSecret: string }> {
      if (!isUsername(input.username))
        throw new StaffAccountError(`a username is 3 to 32 characters: a-z first, then a-z, 0-9, ".", "_" or "-"`);
      if (await find(input.username)) throw new StaffAccountError(`the username "${input.username}" is taken`);
      const totpSecret = newTotpSecret();
      const record: StaffRecord = {
        username: input.username,
        role: input.role,
        passwordHash: await hashPassword(input.password),
        totpSecret,
        disabled: false,
        createdAt: deps.clock.now(),
        createdBy: input.createdBy,
      };
      await save(record);
      return { record, totpSecret };
    },

    async list(): Promise<StaffSummary[]> {
      const keys = (await deps.store.keysWithPrefix('staff:')).sort();
      const values = keys.length ? await deps.store.getMany(keys) : [];
      return values.flatMap((raw) => {
        const record = raw === undefined ? undefined : parseStaffRecord(raw);
        return record ? [summarize(record)] : [];
      });
    },

    /** Disabling is immediate: every request re-reads the account, so open sessions stop too. */
    async disable(username: string, by: string): Promise<boolean> {
      const record = await find(username);
      if (!record) return false;
      await save({ ...record, disabled: true, disabledAt: deps.clock.now(), disabledBy: by });
      return true;
    },
  };
};

export type StaffAccounts = ReturnType<typeof createStaffAccounts>;
