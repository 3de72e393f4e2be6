import type { Middleware } from 'koa';
import { OperationError } from '../../operations/index.ts';
import { recordStaffAction } from '../../operations/staff-action.ts';
import { signedInRequest, type ConsoleRouter, type ConsoleDeps } from '../deps.ts';
import { reasonFormSchema, type ReasonForm } from '../forms.ts';
import { redirectDone, renderPage } from '../pages.ts';
import { consoleForms } from '../steps/parse-form.ts';
import { requirePermission } from '../steps/require-permission.ts';

/** Staff accounts (admins only): who may log in, with which role; disabling one takes effect at once. */
export const staffRoutes = (router: ConsoleRouter, deps: ConsoleDeps, signedIn: Middleware) => {
  const parseForm = consoleForms(deps);
  router.get('/staff', signedIn, requirePermission(deps, 'staff.manage'), async (ctx) => {
    renderPage(deps, ctx, 'staff', { members: await deps.staff.list() }, { titleKey: 'staff.title' });
  });

  router.post(
    '/staff/:username/disable',
    signedIn,
    requirePermission(deps, 'staff.manage'),
    parseForm(reasonFormSchema),
    async (ctx) => {
      const request = signedInRequest(ctx.state.console);
      const { username } = ctx.params;
      if (username === request.staff.username) throw new OperationError('conflict', 'Staff cannot disable themselves.');
      if (!(await deps.staff.disable(username, request.staff.username)))
        throw new OperationError('not_found', 'No staff member has this username.');
      await recordStaffAction(deps.audit, request.actor, {
        kind: 'admin.staff.disabled',
        reason: (ctx.state.form satisfies ReasonForm).reason,
        details: { username },
      });
      redirectDone(ctx, '/admin/staff', 'staff_disabled');
    },
  );
};
