import type { Logger } from '../shared/logger.ts';
import type { CustomerNotifier } from './port.ts';

/**
 * The notifier of a production start with no delivery channel plugged in yet: each notice is one
 * structured log line (customer number, kind, partner, masked accounts — never a full number) for
 * the bank's messaging to pick up. A real channel (e-mail, SMS) replaces it behind the same port.
 */
export const createLogNotifier = (logger: Logger): CustomerNotifier => ({
  async notify(notice) {
    logger.info('customer notice', {
      customerId: notice.customerId,
      kind: notice.kind,
      partner: notice.partner.clientId,
      accounts: notice.accounts.map((a) => `${a.type}:${a.maskedNumber}`),
      endedReason: notice.endedReason,
    });
  },
});
