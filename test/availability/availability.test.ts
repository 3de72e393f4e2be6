import {
  AvailabilityInputError,
  closedDescription,
  createAvailability,
  gatedSurface,
  GATE_EXEMPTIONS,
  oauthErrorDescription,
  restrictionInputSchema,
  type Availability,
} from '../../src/availability/index.ts';
import { CalendarConfigError, createServiceCalendar, type CalendarConfig } from '../../src/calendar/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createAjv } from '../../src/shared/json-schema.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { jstMoment, loadDemoConfig } from '../calendar/support/demo-calendar.ts';

const MESSAGE = { ja: '緊急メンテナンス中です。', en: 'Emergency maintenance.' };
const OPERATOR = { setBy: 'operator-1', reason: 'incident 42' };

let clock: ManualClock;
let store: MemoryStore;
const opened: Availability[] = [];

/** An instance of the server's availability, on the shared store (as on another process). */
const instance = async (config: CalendarConfig = loadDemoConfig()) => {
  const availability = await createAvailability({
    store,
    calendar: createServiceCalendar(config, { clock }),
    clock,
    logger: silentLogger,
    refreshMs: 60_000,
  });
  opened.push(availability);
  return availability;
};

/** Lets the store's announcement and the read it starts run (no clock time passes; refreshMs is a minute). */
const announced = async (condition: () => boolean) => {
  for (let turn = 0; turn < 50 && !condition(); turn += 1) await new Promise((resolve) => setImmediate(resolve));
  return condition();
};

beforeEach(() => {
  clock = new ManualClock(jstMoment('2026-12-01 10:00'));
  store = new MemoryStore(clock);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()));
  await store.close();
});

describe('check(): the calendar', () => {
  test('closed outside hours, with the reopening and the seconds until it', async () => {
    const availability = await instance();
    clock.set(jstMoment('2026-12-01 06:59'));
    expect(availability.check('authorization', 'demo-kakeibo')).toEqual({
      open: false,
      cause: 'calendar',
      reason: 'outside_hours',
      opensAt: jstMoment('2026-12-01 07:00'),
      retryAfterSeconds: 60,
    });
    expect(availability.check('data_api')).toEqual({ open: true, closesAt: jstMoment('2026-12-02 03:00') });
  });

  test('the data API at 03:05 JST opens at 03:15: 600 seconds', async () => {
    const availability = await instance();
    clock.set(jstMoment('2026-12-01 03:05'));
    expect(availability.check('data_api')).toMatchObject({
      open: false,
      cause: 'calendar',
      reason: 'maintenance',
      opensAt: jstMoment('2026-12-01 03:15'),
      retryAfterSeconds: 600,
    });
  });

  test('token refresh is open around the clock in the demo calendar', async () => {
    const availability = await instance();
    clock.set(jstMoment('2026-12-13 22:30'));
    expect(availability.check('token_refresh')).toEqual({ open: true });
  });
});

describe('restrictions (terms 7.3)', () => {
  test('a restriction of one partner closes every surface for it alone, with the message', async () => {
    const availability = await instance();
    const set = await availability.restrictions.set({
      scope: { kind: 'partner', partnerId: 'demo-kakeibo' },
      message: MESSAGE,
      ...OPERATOR,
    });
    expect(set).toMatchObject({
      id: expect.stringMatching(/^r-/),
      setAt: clock.now(),
      scope: { kind: 'partner', partnerId: 'demo-kakeibo' },
    });
    for (const surface of ['authorization', 'data_api', 'token_refresh'] as const) {
      expect(availability.check(surface, 'demo-kakeibo')).toEqual({
        open: false,
        cause: 'restriction',
        reason: 'partner',
        message: MESSAGE,
      });
      expect(availability.check(surface, 'demo-kaikei').open).toBe(true);
      expect(availability.check(surface).open).toBe(true);
    }
    expect(await availability.restrictions.lift(set.id, 'operator-2')).toBe(true);
    expect(availability.check('data_api', 'demo-kakeibo').open).toBe(true);
    expect(await availability.restrictions.lift(set.id, 'operator-2')).toBe(false);
  });

  test('the whole service, or one surface', async () => {
    const availability = await instance();
    const surface = await availability.restrictions.set({
      scope: { kind: 'surface', surface: 'data_api' },
      message: MESSAGE,
      ...OPERATOR,
    });
    expect(availability.check('data_api', 'demo-kaikei')).toMatchObject({
      open: false,
      cause: 'restriction',
      reason: 'surface',
    });
    expect(availability.check('authorization', 'demo-kaikei').open).toBe(true);
    await availability.restrictions.lift(surface.id, 'operator-1');
    await availability.restrictions.set({ scope: { kind: 'service' }, message: MESSAGE, ...OPERATOR });
    for (const s of ['authorization', 'data_api', 'token_refresh'] as const)
      expect(availability.check(s)).toMatchObject({ open: false, cause: 'restriction', reason: 'service' });
    // The customer's own page stays open, so that a linkage can still be ended; only its own restriction closes it.
    expect(availability.check('my_page')).toMatchObject({ open: true });
    await availability.restrictions.set({
      scope: { kind: 'surface', surface: 'my_page' },
      message: MESSAGE,
      ...OPERATOR,
    });
    expect(availability.check('my_page')).toMatchObject({ open: false, cause: 'restriction', reason: 'surface' });
  });

  test('one with an end: Retry-After until then, open again afterwards without anyone lifting it', async () => {
    const availability = await instance();
    await availability.restrictions.set({
      scope: { kind: 'service' },
      message: MESSAGE,
      until: clock.now() + 90 * 60_000,
      ...OPERATOR,
    });
    expect(availability.check('data_api')).toMatchObject({
      open: false,
      opensAt: clock.now() + 90 * 60_000,
      retryAfterSeconds: 5400,
    });
    clock.advance(90 * 60_000);
    expect(availability.check('data_api')).toMatchObject({ open: true });
    expect(await availability.restrictions.list()).toEqual([]);
  });

  test('a restriction ending while the calendar is closed reopens with the calendar', async () => {
    const availability = await instance();
    clock.set(jstMoment('2026-12-01 05:00'));
    await availability.restrictions.set({
      scope: { kind: 'surface', surface: 'authorization' },
      message: MESSAGE,
      until: jstMoment('2026-12-01 06:00'),
      ...OPERATOR,
    });
    expect(availability.check('authorization')).toMatchObject({
      cause: 'restriction',
      opensAt: jstMoment('2026-12-01 07:00'),
    });
  });

  test('without an end the reopening is unknown: no Retry-After', async () => {
    const availability = await instance();
    await availability.restrictions.set({ scope: { kind: 'service' }, message: MESSAGE, ...OPERATOR });
    const answer = availability.check('data_api');
    expect(answer).not.toHaveProperty('opensAt');
    expect(answer).not.toHaveProperty('retryAfterSeconds');
  });

  test('set with an existing id replaces that restriction', async () => {
    const availability = await instance();
    const first = await availability.restrictions.set({ scope: { kind: 'service' }, message: MESSAGE, ...OPERATOR });
    await availability.restrictions.set({
      id: first.id,
      scope: { kind: 'partner', partnerId: 'demo-kaikei' },
      message: { ja: '停止', en: 'Stopped' },
      ...OPERATOR,
    });
    expect((await availability.restrictions.list()).map((r) => [r.id, r.scope.kind, r.message.en])).toEqual([
      [first.id, 'partner', 'Stopped'],
    ]);
    expect(availability.check('data_api', 'demo-kakeibo').open).toBe(true);
  });

  test('a bad body is refused and changes nothing', async () => {
    const availability = await instance();
    const bad = [
      { scope: { kind: 'everything' }, message: MESSAGE, ...OPERATOR },
      { scope: { kind: 'partner' }, message: MESSAGE, ...OPERATOR },
      { scope: { kind: 'surface', surface: 'admin' }, message: MESSAGE, ...OPERATOR },
      { scope: { kind: 'service' }, message: { ja: '停止' }, ...OPERATOR },
      { scope: { kind: 'service' }, message: MESSAGE, setBy: 'x' },
      { scope: { kind: 'service' }, message: MESSAGE, until: 1.5, ...OPERATOR },
      { scope: { kind: 'service' }, message: MESSAGE, extra: true, ...OPERATOR },
    ];
    for (const body of bad)
      await expect(availability.restrictions.set(body as never)).rejects.toThrow(AvailabilityInputError);
    await expect(
      availability.restrictions.set({ scope: { kind: 'service' }, message: MESSAGE, until: clock.now(), ...OPERATOR }),
    ).rejects.toThrow('until must be in the future');
    expect(await availability.restrictions.list()).toEqual([]);
    expect(availability.check('data_api').open).toBe(true);
  });

  test("restrictionInputSchema compiles in the project's ajv and accepts each kind of scope", () => {
    const validate = createAjv().compile(restrictionInputSchema);
    expect(validate({ scope: { kind: 'service' }, message: MESSAGE, until: 1_800_000_000_000, ...OPERATOR })).toBe(
      true,
    );
    expect(validate({ scope: { kind: 'partner', partnerId: 'demo-kakeibo' }, message: MESSAGE, ...OPERATOR })).toBe(
      true,
    );
    expect(
      validate({ id: 'r-1', scope: { kind: 'surface', surface: 'token_refresh' }, message: MESSAGE, ...OPERATOR }),
    ).toBe(true);
    expect(validate({ scope: { kind: 'surface' }, message: MESSAGE, ...OPERATOR })).toBe(false);
  });
});

describe('every instance sees a change', () => {
  test('a restriction set on one instance reaches another through the channel, and lifting it too', async () => {
    const [a, b] = [await instance(), await instance()];
    const set = await a.restrictions.set({
      scope: { kind: 'partner', partnerId: 'demo-kakeibo' },
      message: MESSAGE,
      ...OPERATOR,
    });
    // The change is applied at once where it was made; the other instance hears of it on the channel.
    expect(a.check('data_api', 'demo-kakeibo').open).toBe(false);
    expect(await announced(() => !b.check('data_api', 'demo-kakeibo').open)).toBe(true);
    expect(b.check('data_api', 'demo-kakeibo')).toMatchObject({ open: false, message: MESSAGE });
    await a.restrictions.lift(set.id, 'operator-1');
    expect(await announced(() => b.check('data_api', 'demo-kakeibo').open)).toBe(true);
  });

  test('a new instance starts with what is stored', async () => {
    const a = await instance();
    await a.restrictions.set({ scope: { kind: 'service' }, message: MESSAGE, ...OPERATOR });
    const b = await instance();
    expect(b.check('authorization')).toMatchObject({ open: false, cause: 'restriction' });
  });
});

describe('one-off windows', () => {
  const window = {
    id: 'core-upgrade',
    surfaces: ['data_api' as const],
    from: '2026-12-05T01:00:00+09:00',
    to: '2026-12-05T05:00:00+09:00',
    reason: '勘定系システムの更新',
  };

  test('added on one instance, they close the surface on every instance, and removing them reopens it', async () => {
    const [a, b] = [await instance(), await instance()];
    clock.set(jstMoment('2026-12-05 02:00'));
    expect(await a.oneOffWindows.add(window)).toEqual(window);
    expect(await announced(() => !b.check('data_api').open)).toBe(true);
    for (const availability of [a, b]) {
      expect(availability.check('data_api')).toMatchObject({
        open: false,
        cause: 'calendar',
        reason: 'one_off',
        opensAt: jstMoment('2026-12-05 05:00'),
      });
    }
    expect(await b.oneOffWindows.list()).toEqual([window]);
    expect(await b.oneOffWindows.remove('core-upgrade')).toBe(true);
    expect(await announced(() => a.check('data_api').open)).toBe(true);
    expect(await a.oneOffWindows.remove('core-upgrade')).toBe(false);
  });

  test('an id can be used once; a bad window is refused', async () => {
    const availability = await instance();
    await availability.oneOffWindows.add(window);
    await expect(availability.oneOffWindows.add({ ...window, reason: 'again' })).rejects.toThrow(CalendarConfigError);
    await expect(availability.oneOffWindows.add({ ...window, id: 'backwards', to: window.from })).rejects.toThrow(
      CalendarConfigError,
    );
    expect((await availability.oneOffWindows.list()).map((w) => w.id)).toEqual(['core-upgrade']);
  });

  test("the calendar file's windows stay: they cannot be removed or shadowed at run time", async () => {
    const availability = await instance({ ...loadDemoConfig(), oneOffWindows: [{ ...window, id: 'from-file' }] });
    expect(await availability.oneOffWindows.remove('from-file')).toBe(false);
    await expect(availability.oneOffWindows.add({ ...window, id: 'from-file' })).rejects.toThrow(CalendarConfigError);
    expect((await availability.oneOffWindows.list()).map((w) => w.id)).toEqual(['from-file']);
  });
});

describe('where the gate applies', () => {
  test("the admin console, the admin API and internal clients' client credentials are never gated", () => {
    expect(GATE_EXEMPTIONS).toEqual({ pathPrefixes: ['/admin'], grantTypes: ['client_credentials'] });
    expect(gatedSurface({ path: '/admin' })).toBeUndefined();
    expect(gatedSurface({ path: '/admin/restrictions' })).toBeUndefined();
    expect(gatedSurface({ path: '/admin/api/v1/restrictions' })).toBeUndefined();
    expect(gatedSurface({ path: '/token', grantType: 'client_credentials' })).toBeUndefined();
  });

  test('the surfaces: API連携認証 pages, the data API, the refresh-token grant', () => {
    expect(gatedSurface({ path: '/interaction/abc' })).toBe('authorization');
    expect(gatedSurface({ path: '/interaction/abc/login' })).toBe('authorization');
    expect(gatedSurface({ path: '/api/v1/accounts/balances' })).toBe('data_api');
    expect(gatedSurface({ path: '/token', grantType: 'refresh_token' })).toBe('token_refresh');
    expect(gatedSurface({ path: '/token', grantType: 'authorization_code' })).toBeUndefined();
    expect(gatedSurface({ path: '/api/v1/service-status' })).toBeUndefined();
    expect(gatedSurface({ path: '/administrator' })).toBeUndefined();
  });
});

describe("what a partner's program reads", () => {
  test("the calendar's closure in words, or the operator's message in the language asked for", () => {
    const calendar = {
      open: false as const,
      cause: 'calendar' as const,
      reason: 'maintenance',
      opensAt: jstMoment('2026-12-01 03:15'),
      retryAfterSeconds: 600,
    };
    expect(closedDescription('data_api', calendar)).toBe(
      'The data API is closed now (maintenance); it opens again at 2026-12-01T03:15:00+09:00.',
    );
    const restriction = { open: false as const, cause: 'restriction' as const, reason: 'service', message: MESSAGE };
    expect(closedDescription('data_api', restriction)).toBe(MESSAGE.ja);
    expect(closedDescription('data_api', restriction, 'en')).toBe(MESSAGE.en);
  });

  test('an OAuth error_description keeps to the characters RFC 6749 allows', () => {
    expect(oauthErrorDescription('Paused – see "notices" \\ 停止中 until 10:00.')).toBe(
      'Paused see notices until 10:00.',
    );
  });
});
