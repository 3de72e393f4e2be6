import { interactionPolicy } from 'oidc-provider';

const { Check, base } = interactionPolicy;

/**
 * Every authorization runs the identity check and shows consent (terms 4.1: API連携認証 per
 * partner, each time): an earlier session or grant is never reused silently. The interaction
 * pages finish with both results at once, so one interaction covers both prompts.
 */
export const freshEveryTimePolicy = () => {
  const policy = base();
  const login = policy.get('login')!;
  login.checks.push(
    new Check('identity_check_each_time', 'the identity check runs for every authorization', (ctx) =>
      ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
    ),
  );
  const consent = policy.get('consent')!;
  consent.checks.push(
    new Check('consent_each_time', 'consent is given for every authorization', (ctx) =>
      ctx.oidc.result?.consent ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
    ),
  );
  return policy;
};
