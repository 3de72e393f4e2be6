import type { AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../shared/logger.ts';
import { messageOf, nameOf } from '../shared/thrown.ts';
import type { CustomerNotice, CustomerNotifier } from './port.ts';

/**
 * Sends a notice without ever failing the caller: the linkage (or its ending) has happened
 * whatever the channel does. A failure is logged and audited, so that staff can tell the
 * customer another way.
 */
export const sendNotice = async (
  deps: { notifier: CustomerNotifier; logger: Logger; audit: AuditLog },
  notice: CustomerNotice,
): Promise<boolean> => {
  const about = {
    partnerId: notice.partner.clientId,
    customerId: notice.customerId,
    details: { notice: notice.kind, grantId: notice.grantId },
  };
  let outcome: void | 'queued';
  try {
    outcome = await deps.notifier.notify(notice);
  } catch (err) {
    deps.logger.warn('customer notice not sent', {
      notice: notice.kind,
      partnerId: notice.partner.clientId,
      error: nameOf(err),
      message: messageOf(err),
    });
    await deps.audit.record({ kind: 'notice.failed', result: 'failure', ...about }).catch(() => {});
    return false;
  }
  if (outcome === 'queued') return true;
  await deps.audit.record({ kind: 'notice.sent', result: 'success', ...about }).catch((err: unknown) => {
    deps.logger.warn('audit of a sent notice failed', { error: nameOf(err) });
  });
  return true;
};
