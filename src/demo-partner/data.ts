import type * as oauth from 'oauth4webapi';
import { fieldOf, recordsOf, stringField } from '../shared/unknown-json.ts';
import type { PartnerClient } from './partner-client.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the data API's JSON, shown as it comes */
export interface DemoData {
  accounts?: any;
  balances?: any;
  timeDeposits?: any;
  transactions?: any;
  /** Calls the data API refused: route → errorCode. */
  errors: Record<string, string>;
  /** Ready-to-run curl commands, each with a fresh single-use DPoP proof. */
  curl: string[];
}

/**
 * What the demo partner shows after a linkage: the linked accounts, their balances, one page of
 * an account's transactions, and the time deposits — each fetched with a DPoP proof, as a real
 * partner would. A category the customer did not agree to simply shows its error code.
 */
export const fetchDemoData = async (
  client: PartnerClient,
  apiBase: string,
  accessToken: string,
  dpopKeys: oauth.CryptoKeyPair,
  page: { accountId?: string; nextItemKey?: string },
): Promise<DemoData> => {
  const data: DemoData = { errors: {}, curl: [] };
  const call = async (path: string, query: Record<string, string | undefined> = {}) => {
    const url = new URL(`${apiBase}${path}`);
    for (const [k, v] of Object.entries(query)) if (v) url.searchParams.set(k, v);
    const res = await client.resource(url, accessToken, dpopKeys);
    // The data API's JSON, shown as it comes (DemoData).
    const body: unknown = await res.json();
    if (res.status !== 200) {
      data.errors[path] = String(fieldOf(body, 'errorCode') ?? res.status);
      return undefined;
    }
    return body;
  };
  data.accounts = await call('/accounts');
  data.balances = await call('/accounts/balances');
  data.timeDeposits = await call('/accounts/time-deposits');
  const liquid = recordsOf(data.balances?.balances);
  const accountId = page.accountId ?? stringField(liquid[0], 'accountId');
  if (accountId) {
    // The last 31 days, newest page first is not the standard's order: it is ascending.
    const today = String(data.balances?.baseDate ?? '');
    const from = today ? new Date(`${today}T00:00:00Z`) : undefined;
    from?.setUTCDate(from.getUTCDate() - 30);
    data.transactions = await call('/accounts/transactions', {
      accountId,
      dateFrom: from?.toISOString().slice(0, 10),
      nextItemKey: page.nextItemKey,
    });
  }
  const examples = [
    '/accounts',
    '/accounts/balances',
    '/accounts/time-deposits',
    ...(accountId ? [`/accounts/transactions?accountId=${accountId}`] : []),
  ];
  for (const path of examples) {
    const url = `${apiBase}${path}`;
    const proof = await client.proofFor(url, 'GET', accessToken, dpopKeys);
    data.curl.push(`curl -s '${url}' -H 'Authorization: DPoP ${accessToken}' -H 'DPoP: ${proof}'`);
  }
  return data;
};
