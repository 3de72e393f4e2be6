// The record store's public surface: records the bank must keep (audit trail, consent evidence, linkage history).
export * from './record-store.ts';
export { createMemoryRecordStore } from './memory-record-store.ts';
export { createPostgresRecordStore } from './postgres-record-store.ts';
export { migrate, ensurePartitions, readMigrations } from './migrate.ts';
export { applicationRole, createRecordStore, migrateRecords, type RecordsSettings } from './create-record-store.ts';
export { decodeCursor, encodeCursor } from './cursor.ts';
