export { createAvailability, AvailabilityInputError, AVAILABILITY_CHANGED_CHANNEL } from './create-availability.ts';
export { restrictionInputSchema } from './restriction-schema.ts';
export { canonicalPath, GATE_EXEMPTIONS, gatedSurface, routedPath } from './gated-surfaces.ts';
export { closedDescription, oauthErrorDescription } from './closed-description.ts';
export { serviceStatusRouter } from './service-status-router.ts';
export { serviceStatus, STATUS_DAYS, type ServiceStatus } from './service-status.ts';
export type {
  Availability,
  AvailabilityAnswer,
  LocalizedMessage,
  OneOffWindows,
  Restriction,
  RestrictionInput,
  RestrictionScope,
  Restrictions,
} from './types.ts';
