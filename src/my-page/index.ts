export { myPageRouter } from './router.ts';
export { createCustomerSessions, type CustomerSession, type CustomerSessions } from './sessions.ts';
export type { MyPageDeps } from './deps.ts';
