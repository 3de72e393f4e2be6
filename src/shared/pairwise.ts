import { createHmac } from 'node:crypto';

/**
 * The `sub` a partner sees for a customer: stable for that partner, different for every other
 * partner, and never derived reversibly from a customer or account number. oidc-provider only ever
 * sees this value as the "account id"; the customer number stays in our grant record. (Its own
 * pairwise mode would demand a sector_identifier_uri from every partner with redirect URIs on
 * several hosts, for a guarantee this gives by construction.)
 */
export const pairwiseSubject = (salt: string, clientId: string, customerId: string) =>
  createHmac('sha256', salt).update(`${clientId}\0${customerId}`).digest('base64url');
