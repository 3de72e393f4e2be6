import type { Admission } from '../shared/admission.ts';
import type { CoreBanking } from './port.ts';

/**
 * The connector in use with its PIN checks (argon2 in the demo connector, the gateway's identity
 * check in production) passed through an admission limit: a flood of logins waits briefly or gets
 * the 混雑 page instead of taking every CPU from the data API. Everything else passes as it is.
 */
export const withAdmittedChecks = <C extends CoreBanking>(core: C, admission: Admission): C => ({
  ...core,
  checkIdentity: (...args: Parameters<CoreBanking['checkIdentity']>) =>
    admission.run(() => core.checkIdentity(...args)),
  verifyPin: (...args: Parameters<CoreBanking['verifyPin']>) => admission.run(() => core.verifyPin(...args)),
});
