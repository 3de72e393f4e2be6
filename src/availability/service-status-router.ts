import { createRouter } from '../http/router.ts';
import { noStore } from '../http/no-store.ts';
import type { ServiceCalendar } from '../calendar/index.ts';
import { resolveLocale, switchLocaleHref } from '../http/locale.ts';
import type { Render } from '../http/render.ts';
import { translator } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { serviceHoursView } from './service-hours-page.ts';
import { serviceStatus } from './service-status.ts';
import type { Availability } from './types.ts';

/**
 * For planning, without a token: `GET /api/v1/service-status` (JSON, in the data API's OpenAPI
 * document) for partners, and the same schedule as a page, `/service-hours`, for customers.
 */
export const serviceStatusRouter = (deps: {
  availability: Availability;
  calendar: ServiceCalendar;
  clock: Clock;
  render: Render;
}) => {
  const router = createRouter();
  // A restriction must show at once: nothing in between may keep an old answer.
  router.get('/api/v1/service-status', noStore, (ctx) => {
    ctx.body = serviceStatus(deps);
  });
  router.get('/service-hours', noStore, (ctx) => {
    const locale = resolveLocale(ctx);
    const t = translator(locale);
    deps.render(ctx, 'service-hours', serviceHoursView(serviceStatus(deps), locale, t), {
      locale,
      title: t('hours.title'),
      switchLocaleHref: switchLocaleHref(ctx, locale),
    });
  });
  return router;
};
