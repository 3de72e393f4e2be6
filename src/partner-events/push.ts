import { codeOf, messageOf, nameOf } from '../shared/thrown.ts';
import { fieldOf, stringField } from '../shared/unknown-json.ts';

export type PushResult =
  | { outcome: 'accepted' }
  /** Worth another try later: no answer, a timeout, a 5xx, a redirect, an unexpected status. */
  | { outcome: 'failed'; detail: string }
  /** The partner looked at the SET and refused it (RFC 8935 §2.3, 400): sending it again changes nothing. */
  | { outcome: 'rejected'; detail: string };

const MAX_ERROR_BODY = 1000;

/**
 * One push delivery, RFC 8935: POST the SET as application/secevent+jwt; the partner answers 202.
 * Redirects are not followed (an event endpoint is registered exactly), and no answer within
 * `timeoutMs` counts as a failure.
 */
export const pushSet = async (endpoint: string, set: string, timeoutMs: number): Promise<PushResult> => {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/secevent+jwt', accept: 'application/json' },
      body: set,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = codeOf(fieldOf(error, 'cause'));
    return {
      outcome: 'failed',
      detail:
        nameOf(error) === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : `${messageOf(error)}${cause ? ` (${cause})` : ''}`,
    };
  }
  if (response.status === 202) {
    await response.body?.cancel();
    return { outcome: 'accepted' };
  }
  if (response.status === 400) {
    // {"err": "...", "description": "..."} by RFC 8935 §2.4; kept short, it ends up in the audit trail.
    const text = (await response.text().catch(() => '')).slice(0, MAX_ERROR_BODY);
    let detail = text;
    try {
      const body: unknown = JSON.parse(text);
      const err = stringField(body, 'err');
      const description = stringField(body, 'description');
      if (err !== undefined) detail = description !== undefined ? `${err}: ${description}` : err;
    } catch {
      // not JSON: keep the text
    }
    return { outcome: 'rejected', detail: `400 ${detail}`.trim() };
  }
  await response.body?.cancel();
  return { outcome: 'failed', detail: `HTTP ${response.status}` };
};
