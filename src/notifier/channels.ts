import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FlattenedSign, importJWK } from 'jose';
import nodemailer from 'nodemailer';
import type { CustomerContact } from '../core-banking/port.ts';
import type { SigningKeys } from '../config/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { codeOf, nameOf } from '../shared/thrown.ts';
import { fieldOf } from '../shared/unknown-json.ts';
import type { NoticeText } from './notice-text.ts';
import type { CustomerNotice } from './port.ts';

/** One notice, ready to go out: its id is the same on every attempt (the receiver's idempotency key). */
export interface OutgoingNotice {
  id: string;
  notice: CustomerNotice;
  contact: CustomerContact;
  text: NoticeText;
  locale: 'ja' | 'en';
}

/** 'retry': try again later; 'undeliverable': no retry can help (no address). */
export type ChannelResult = { outcome: 'sent' } | { outcome: 'retry' | 'undeliverable'; detail: string };

export interface NoticeChannel {
  name: 'smtp' | 'webhook';
  send(notice: OutgoingNotice): Promise<ChannelResult>;
  close?(): void;
}

export interface SmtpSettings {
  host: string | null;
  port: number;
  secure: boolean;
  requireTls: boolean;
  user: string | null;
  password: string | null;
  from: string;
  caFile: string | null;
}

/**
 * E-mail over SMTP: STARTTLS required (unless `secure`, TLS from the start), authentication when
 * a user is configured. The Message-ID is built from the notice id, so a retry after a lost
 * answer is recognisable as the same message.
 */
export const createSmtpChannel = (settings: SmtpSettings, timeoutMs: number): NoticeChannel => {
  if (!settings.host) throw new Error('notices.smtp.host is not set (NOTICE_SMTP_HOST)');
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure && settings.requireTls,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    tls: settings.caFile ? { ca: readFileSync(settings.caFile, 'utf8') } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
  });
  const domain = settings.from.split('@')[1] ?? 'localhost';
  return {
    name: 'smtp',
    async send({ id, contact, text }) {
      if (!contact.email) return { outcome: 'undeliverable', detail: 'no e-mail address registered' };
      try {
        await transport.sendMail({
          from: settings.from,
          to: contact.email,
          subject: text.subject,
          text: `${text.lines.join('\n')}\n`,
          textEncoding: 'base64',
          messageId: `<${id}@${domain}>`,
          headers: { 'X-Notice-Id': id },
        });
        return { outcome: 'sent' };
      } catch (error) {
        // The error names the SMTP reply, never the password.
        const reply = fieldOf(error, 'responseCode');
        const responseCode = typeof reply === 'number' ? reply : undefined;
        const permanent = responseCode !== undefined && responseCode >= 550 && responseCode < 560;
        const detail = `${codeOf(error) ?? nameOf(error)}${responseCode ? ` ${responseCode}` : ''}`;
        return permanent ? { outcome: 'undeliverable', detail } : { outcome: 'retry', detail };
      }
    },
    close: () => transport.close(),
  };
};

/** The header carrying the signature of a webhook body. */
export const NOTICE_SIGNATURE_HEADER = 'jws-signature';
export const NOTICE_JWS_TYP = 'notice+jws';

/** The JSON body the bank's messaging system receives. */
export interface WebhookBody {
  noticeId: string;
  customerId: string;
  grantId?: string;
  kind: CustomerNotice['kind'];
  partnerId: string;
  locale: 'ja' | 'en';
  subject: string;
  text: string;
  /** ISO 8601: when the linkage was made or ended. */
  occurredAt: string;
}

/**
 * The bank's messaging system over HTTPS: the JSON body is signed with a detached JWS with an
 * unencoded payload (RFC 7515 appendix F, RFC 7797 `b64: false`) in the `JWS-Signature` header,
 * with one of the server's signing keys (published in its JWKS). The protected header carries
 * `iat` (the attempt's time) and `jti` (fresh per attempt), for the receiver's replay window
 * (./verify-notice-webhook.ts); the body's noticeId stays the same on every retry.
 */
export const createWebhookChannel = (deps: {
  url: string;
  signingKeys: SigningKeys;
  clock: Clock;
  timeoutMs: number;
}): NoticeChannel => {
  const key =
    deps.signingKeys.keys.find((k) => k.alg === 'ES256') ?? deps.signingKeys.keys.find((k) => k.alg === 'PS256');
  if (!key) throw new Error('notices: the signing keys hold no ES256 or PS256 key to sign webhooks with');
  let imported: ReturnType<typeof importJWK> | undefined;
  return {
    name: 'webhook',
    async send({ id, notice, text, locale }) {
      const body: WebhookBody = {
        noticeId: id,
        customerId: notice.customerId,
        ...(notice.grantId ? { grantId: notice.grantId } : {}),
        kind: notice.kind,
        partnerId: notice.partner.clientId,
        locale,
        subject: text.subject,
        text: text.lines.join('\n'),
        occurredAt: new Date(notice.at).toISOString(),
      };
      const payload = new TextEncoder().encode(JSON.stringify(body));
      imported ??= importJWK(key, key.alg);
      const jws = await new FlattenedSign(payload)
        .setProtectedHeader({
          alg: key.alg,
          kid: key.kid,
          typ: NOTICE_JWS_TYP,
          b64: false,
          crit: ['b64'],
          iat: Math.floor(deps.clock.now() / 1000),
          jti: randomUUID(),
        })
        .sign(await imported);
      try {
        const response = await fetch(deps.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [NOTICE_SIGNATURE_HEADER]: `${jws.protected}..${jws.signature}`,
          },
          body: payload,
          signal: AbortSignal.timeout(deps.timeoutMs),
        });
        await response.body?.cancel();
        if (response.ok) return { outcome: 'sent' };
        // 4xx other than 408/429 means the receiver refuses this one: retrying will not help.
        const permanent = response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status);
        return { outcome: permanent ? 'undeliverable' : 'retry', detail: `HTTP ${response.status}` };
      } catch (error) {
        return { outcome: 'retry', detail: nameOf(error) };
      }
    },
  };
};
