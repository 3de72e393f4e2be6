export type { CustomerNotice, CustomerNotifier } from './port.ts';
export { createDemoOutbox, type DemoOutbox, type OutboxEntry } from './demo-outbox.ts';
export { demoOutboxRouter } from './outbox-router.ts';
export { noticeText, type NoticeText, type ContactDesk } from './notice-text.ts';
export { createQueuedNotifier, type QueuedNotifier, type PendingNotice, type NoticeSummary } from './notice-queue.ts';
export {
  createSmtpChannel,
  createWebhookChannel,
  NOTICE_SIGNATURE_HEADER,
  type NoticeChannel,
  type WebhookBody,
} from './channels.ts';
export { verifyNoticeWebhook, type WebhookCheck } from './verify-notice-webhook.ts';
export { sendNotice } from './send-notice.ts';
export { noticeOfEnding } from './ending-notices.ts';
