/**
 * Staff roles and what each may do. Operators run the service day to day (find, end, unlock,
 * suspend, restrict); auditors only read and export; admins also manage partners and staff.
 */
export const ROLES = ['operator', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const CHANGERS: readonly Role[] = ['operator', 'admin'];

export const PERMISSIONS = {
  'linkages.read': ALL,
  'linkages.end': CHANGERS,
  'customers.unlock': CHANGERS,
  'partners.read': ALL,
  'partners.suspend': CHANGERS,
  'partners.edit': ['admin'],
  'service.read': ALL,
  'service.restrict': CHANGERS,
  'audit.read': ALL,
  'audit.export': ['auditor', 'admin'],
  'staff.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && ROLES.some((item) => item === value);

export const can = (role: Role, permission: Permission): boolean => {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return allowed.includes(role);
};

/** Every permission of a role, for the views (which buttons to offer). */
export const permissionsOf = (role: Role): Record<Permission, boolean> => ({
  'linkages.read': can(role, 'linkages.read'),
  'linkages.end': can(role, 'linkages.end'),
  'customers.unlock': can(role, 'customers.unlock'),
  'partners.read': can(role, 'partners.read'),
  'partners.suspend': can(role, 'partners.suspend'),
  'partners.edit': can(role, 'partners.edit'),
  'service.read': can(role, 'service.read'),
  'service.restrict': can(role, 'service.restrict'),
  'audit.read': can(role, 'audit.read'),
  'audit.export': can(role, 'audit.export'),
  'staff.manage': can(role, 'staff.manage'),
});
