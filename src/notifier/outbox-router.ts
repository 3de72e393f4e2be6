import { createRouter } from '../http/router.ts';
import type { Render } from '../http/render.ts';
import { noStore } from '../http/no-store.ts';
import { jstDateTimeText } from '../shared/jst.ts';
import type { DemoOutbox } from './demo-outbox.ts';
import { noticeText, type ContactDesk } from './notice-text.ts';
import { demoCustomersOf } from './demo-browser.ts';

const SHOWN = 50;

/**
 * /demo/outbox (demo data only): the notices the demo notifier "sent", newest first, as the
 * customer would read them — in Japanese, like the bank's real notices.
 */
export const demoOutboxRouter = (deps: { outbox: DemoOutbox; render: Render; desk: ContactDesk }) => {
  const router = createRouter();
  router.get('/demo/outbox', noStore, async (ctx) => {
    // Only the customers identified in this browser: not every demo visitor's notices.
    const mine = await Promise.all(demoCustomersOf(ctx).map((id) => deps.outbox.ofCustomer(id, SHOWN)));
    const entries = mine
      .flat()
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, SHOWN);
    deps.render(
      ctx,
      'demo/outbox',
      {
        notices: entries.map(({ id, notice }) => ({
          id,
          kind: notice.kind,
          at: jstDateTimeText(notice.at, 'ja'),
          ...noticeText(notice, deps.desk),
        })),
      },
      { locale: 'ja', title: 'お知らせの送信箱（デモ）' },
    );
  });
  return router;
};
