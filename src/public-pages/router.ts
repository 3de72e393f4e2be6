import { createRouter } from '../http/router.ts';
import type { TermsVersion } from '../config/load-config.ts';
import { resolveLocale, switchLocaleHref } from '../http/locale.ts';
import type { Render } from '../http/render.ts';
import { translator } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDateText } from '../shared/jst.ts';
import { currentTerms, pastTerms, upcomingTerms } from '../terms/terms.ts';

/** Pages anyone may read: the terms (current, scheduled and past versions). */
export const publicPagesRouter = (deps: { terms: TermsVersion[]; render: Render; clock: Clock }) => {
  const router = createRouter();
  router.get('/terms', (ctx) => {
    const locale = resolveLocale(ctx);
    const { terms } = deps;
    // Effective dates written as every page writes dates.
    const shown = (v: TermsVersion) => ({ ...v, effectiveFrom: isoDateText(v.effectiveFrom, locale) });
    deps.render(
      ctx,
      'terms',
      {
        current: shown(currentTerms(terms, deps.clock)),
        upcoming: upcomingTerms(terms, deps.clock).map(shown),
        past: pastTerms(terms, deps.clock).map(shown),
      },
      { locale, title: translator(locale)('terms.title'), switchLocaleHref: switchLocaleHref(ctx, locale) },
    );
  });
  return router;
};
