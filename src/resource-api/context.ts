import type { Account } from '../core-banking/port.ts';
import type { PartnerCallState } from '../web/tokens/token-checks.ts';

/** What the checks establish about a data call, on ctx.state: the partner's token, and the account the route names. */
export interface DataCallState extends PartnerCallState {
  /** The covered account this call is about, when the route names one. */
  account?: Account;
}
