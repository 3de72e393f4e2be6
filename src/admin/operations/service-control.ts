import type { AuditLog } from '../../audit/index.ts';
import {
  AvailabilityInputError,
  type OneOffWindows,
  type Restriction,
  type RestrictionScope,
  type Restrictions,
} from '../../availability/index.ts';
import { CalendarConfigError, type OneOffWindow } from '../../calendar/index.ts';
import type { PartnerRegistry } from '../../partners/registry.ts';
import { OperationError } from './errors.ts';
import { recordStaffAction, type Actor } from './staff-action.ts';

export interface RestrictionRequest {
  scope: RestrictionScope;
  message: { ja: string; en: string };
  /** ms epoch: the restriction ends by itself then; without it, it lasts until lifted. */
  until?: number;
  reason: string;
}

/**
 * Terms 7.3: operators restrict the whole service, one partner or one surface at once, with a
 * message customers and partners are shown, and lift the restriction again.
 */
export const createServiceControl = (deps: {
  restrictions: Restrictions;
  windows: OneOffWindows;
  partners: PartnerRegistry;
  audit: AuditLog;
}) => ({
  list: (): Promise<Restriction[]> => deps.restrictions.list(),

  /**
   * One-off maintenance windows (service hours, terms 2.1 / 7.3): planned closures of some
   * surfaces, announced on /api/v1/service-status and /service-hours, on every instance.
   */
  windows: {
    list: (): Promise<OneOffWindow[]> => deps.windows.list(),
    async add(window: OneOffWindow, actor: Actor): Promise<OneOffWindow> {
      let added: OneOffWindow;
      try {
        added = await deps.windows.add(window);
      } catch (e) {
        if (e instanceof CalendarConfigError) throw new OperationError('invalid_request', e.message);
        throw e;
      }
      await recordStaffAction(deps.audit, actor, {
        kind: 'admin.maintenance_window.added',
        reason: window.reason,
        details: { windowId: added.id, surfaces: added.surfaces, from: added.from, to: added.to },
      });
      return added;
    },
    async remove(id: string, reason: string, actor: Actor): Promise<void> {
      if (!(await deps.windows.remove(id)))
        throw new OperationError('not_found', 'No operator-added window has this id.');
      await recordStaffAction(deps.audit, actor, {
        kind: 'admin.maintenance_window.removed',
        reason,
        details: { windowId: id },
      });
    },
  },

  async set(request: RestrictionRequest, actor: Actor): Promise<Restriction> {
    if (request.scope.kind === 'partner' && !(await deps.partners.find(request.scope.partnerId))) {
      throw new OperationError('not_found', 'No partner has this client_id.');
    }
    let restriction: Restriction;
    try {
      restriction = await deps.restrictions.set({ ...request, setBy: actor.name });
    } catch (e) {
      if (e instanceof AvailabilityInputError) throw new OperationError('invalid_request', e.message);
      throw e;
    }
    await recordStaffAction(deps.audit, actor, {
      kind: 'admin.restriction.set',
      reason: request.reason,
      partnerId: request.scope.kind === 'partner' ? request.scope.partnerId : undefined,
      details: {
        restrictionId: restriction.id,
        scope: request.scope,
        ...(request.until !== undefined ? { until: new Date(request.until).toISOString() } : {}),
      },
    });
    return restriction;
  },

  async lift(id: string, reason: string, actor: Actor): Promise<void> {
    const restriction = (await deps.restrictions.list()).find((r) => r.id === id);
    if (!restriction || !(await deps.restrictions.lift(id, actor.name)))
      throw new OperationError('not_found', 'No restriction in force has this id.');
    await recordStaffAction(deps.audit, actor, {
      kind: 'admin.restriction.lifted',
      reason,
      partnerId: restriction.scope.kind === 'partner' ? restriction.scope.partnerId : undefined,
      details: { restrictionId: id, scope: restriction.scope },
    });
  },
});

export type ServiceControl = ReturnType<typeof createServiceControl>;
