// The audit trail's public surface.
export type {
  AuditEvent,
  AuditExportFormat,
  AuditExportTimeZone,
  AuditFilter,
  AuditLog,
  AuditTrail,
  RecordedAuditEvent,
} from './audit-log.ts';
export { createAuditTrail, type AuditTrailSettings } from './audit-trail.ts';
export { createCheckpointSigner } from './checkpoints.ts';
export { exportIncident, type IncidentRequest } from './incident-export.ts';
export { auditProviderEvents } from './provider-events.ts';
export { formatTrailReport, verifyAuditTrail, type TrailReport } from './verify-trail.ts';
