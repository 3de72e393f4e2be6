import type { Context } from 'koa';
import { isLocale, type Locale } from '../i18n/index.ts';

/**
 * Where the customer came from, kept in the browser so that an expired or finished interaction's
 * page can still lead back to the partner: the partner, its redirect URI (one oidc-provider checked
 * against the partner's registration when the request was pushed) and the partner's `state`.
 * A signed cookie, set at each page view of an interaction: nothing in the store outlives the
 * interaction, and only the browser that ran the interaction can see where it leads.
 */
const COOKIE = 'interaction_return';
const MAX_AGE_MS = 24 * 3600 * 1000;

export interface ReturnAddress {
  uid: string;
  clientId: string;
  redirectUri: string;
  state?: string;
  /** Only plain query responses can be built here (no JARM, no form_post). */
  queryMode: boolean;
  /** The interaction ended (consent given or declined): the partner has its answer already. */
  finished?: boolean;
  /** The page language of the interaction, for its pages once it is gone. */
  locale?: Locale;
}

/** The return address of a loaded interaction (its pushed request's parameters). */
export const returnAddressOfRequest = (
  request: { uid: string; details: { params: Record<string, unknown> }; locale: Locale },
  finished = false,
): ReturnAddress => {
  const { client_id: clientId, redirect_uri: redirectUri, state, response_mode: mode } = request.details.params;
  return {
    uid: request.uid,
    clientId: String(clientId),
    redirectUri: String(redirectUri),
    ...(typeof state === 'string' ? { state } : {}),
    queryMode: mode === undefined || mode === 'query',
    ...(finished ? { finished } : {}),
    locale: request.locale,
  };
};

export const rememberReturnAddress = (ctx: Context, address: ReturnAddress, options: { secure: boolean }) => {
  ctx.cookies.set(COOKIE, Buffer.from(JSON.stringify(address)).toString('base64url'), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    path: '/',
    maxAge: MAX_AGE_MS,
    overwrite: true,
  });
};

/** The return address of the interaction `uid`, when this browser ran it. */
export const returnAddressOf = (ctx: Context, uid: string | undefined): ReturnAddress | undefined => {
  if (!uid) return undefined;
  const raw = ctx.cookies.get(COOKIE, { signed: true });
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const fields = new Map<string, unknown>(Object.entries(parsed));
  const [clientId, redirectUri, state, locale] = ['clientId', 'redirectUri', 'state', 'locale'].map((k) =>
    fields.get(k),
  );
  if (fields.get('uid') !== uid || typeof clientId !== 'string' || typeof redirectUri !== 'string') return undefined;
  return {
    uid,
    clientId,
    redirectUri,
    state: typeof state === 'string' ? state : undefined,
    queryMode: fields.get('queryMode') === true,
    finished: fields.get('finished') === true,
    ...(isLocale(locale) ? { locale } : {}),
  };
};

/**
 * The partner's redirect with an OAuth error (RFC 6749 4.1.2.1, with `iss` as RFC 9207 and FAPI 2.0
 * require), for an interaction that is gone before the customer finished. Undefined once the
 * interaction finished (the partner has its answer) or where the response mode is not a plain query.
 */
export const returnHref = (address: ReturnAddress, issuer: string, description: string): string | undefined => {
  if (address.finished || !address.queryMode) return undefined;
  const url = new URL(address.redirectUri);
  url.searchParams.set('error', 'access_denied');
  url.searchParams.set('error_description', description);
  if (address.state !== undefined) url.searchParams.set('state', address.state);
  url.searchParams.set('iss', issuer);
  return url.toString();
};
