export type { CustomerNotice, CustomerNotifier } from './port.ts';
export { createDemoOutbox, type DemoOutbox, type OutboxEntry } from './demo-outbox.ts';
export { demoOutboxRouter } from './outbox-router.ts';
export { noticeText, type NoticeText } from './notice-text.ts';
export { sendNotice } from './send-notice.ts';
export { noticeOfEnding } from './ending-notices.ts';
