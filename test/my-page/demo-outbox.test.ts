import { createDemoOutbox } from '../../src/notifier/index.ts';
import type { CustomerNotice } from '../../src/notifier/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';

const notice = (customerId: string, at: number): CustomerNotice => ({
  customerId,
  kind: 'linkage.created',
  partner: { clientId: 'demo-kakeibo', name: { ja: 'デモかけいぼ', en: 'Demo Kakeibo' } },
  categories: ['accounts'],
  accounts: [{ type: 'ordinary', maskedNumber: '****345' }],
  at,
});

describe('the demo outbox stays bounded', () => {
  test('newest first, per customer and for all; a notice older than the retention leaves the listing and its index', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 10));
    const store = new MemoryStore(clock);
    const outbox = createDemoOutbox({ store, clock, retentionDays: 30 });

    await outbox.notify(notice('c1', clock.now()));
    clock.advance(20 * 86400_000);
    await outbox.notify(notice('c2', clock.now()));
    clock.advance(60_000);
    await outbox.notify(notice('c1', clock.now()));

    expect((await outbox.newest(10)).map((e) => e.notice.customerId)).toEqual(['c1', 'c2', 'c1']);
    expect((await outbox.newest(2)).map((e) => e.notice.customerId)).toEqual(['c1', 'c2']);
    expect((await outbox.ofCustomer('c1', 10)).map((e) => e.notice.at)).toEqual([
      clock.now(),
      clock.now() - 20 * 86400_000 - 60_000,
    ]);

    // 31 days after the first: it is gone, from the listing and from both indexes.
    clock.advance(11 * 86400_000);
    expect((await outbox.newest(10)).map((e) => e.notice.customerId)).toEqual(['c1', 'c2']);
    expect(await outbox.ofCustomer('c1', 10)).toHaveLength(1);
    expect(await store.setMembers('idx:outbox')).toHaveLength(2);
    expect(await store.setMembers('idx:outbox-customer:c1')).toHaveLength(1);

    // 30 days after the last: nothing is left in the store at all.
    clock.advance(30 * 86400_000);
    expect(await outbox.newest(10)).toEqual([]);
    expect(await store.keysWithPrefix('')).toEqual([]);
  });
});
