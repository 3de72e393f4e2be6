import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { SMTPServer } from 'smtp-server';
import { verifyNoticeWebhook } from '../../src/notifier/index.ts';
import { customers } from '../support/demo.ts';
import { gatewayTls, type GatewayTls } from '../support/gateway-tls.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { freePort, startServer, type TestServer } from '../support/server.ts';

const WHO = customers.twoBranches;
const EMAIL = 'watanabe.yumi@example.jp';
const FULL_NUMBERS = ['5500231', '5033210'];

/** What every delivered notice must be: Japanese, no link, no full account number, no token. */
const expectSafeJapanese = (text: string, tokens: string[]) => {
  expect(text).toMatch(/連携/);
  expect(text).toContain('お心当たりのない場合は');
  expect(text).toContain('0120-000-000');
  expect(text).not.toMatch(/https?:|www\./);
  for (const n of FULL_NUMBERS) expect(text).not.toContain(n);
  for (const t of tokens) expect(text).not.toContain(t);
};

/** Decodes RFC 2047 encoded words (B and Q) in an unfolded header. */
const decodeWords = (value: string) =>
  value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );

interface Mail {
  to: string;
  subject: string;
  text: string;
  noticeId: string;
}

const parseMail = (raw: string, to: string): Mail => {
  const [head, ...rest] = raw.split(/\r\n\r\n/);
  const headers = head.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
  const header = (name: string) =>
    headers
      .find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim() ?? '';
  expect(header('content-transfer-encoding').toLowerCase()).toBe('base64');
  return {
    to,
    subject: decodeWords(header('subject')),
    text: Buffer.from(rest.join('\r\n\r\n').replace(/\s+/g, ''), 'base64').toString('utf8'),
    noticeId: header('x-notice-id'),
  };
};

/** A linkage, then an ending with the given reason: the notices each one queues. */
const linkAndEnd = async (
  server: TestServer,
  reason: 'revoked_by_customer' | 'revoked_by_partner' | 'revoked_by_bank',
) => {
  const partner = await partnerFor(server, 'demo-kakeibo');
  const linked = await link(server, partner, WHO, { scope: 'offline_access accounts deposits' });
  await server.app.notices!.runDueNotices();
  const grantId = linked.tokens.grant_id as string;
  await server.app.linkages.end({ grantId }, { reason, actor: 'test' });
  await server.app.notices!.runDueNotices();
  return { grantId, tokens: [linked.tokens.access_token, linked.tokens.refresh_token as string] };
};

describe('notices by e-mail: a real SMTP server with STARTTLS and authentication', () => {
  let tls: GatewayTls;
  let smtp: SMTPServer;
  let server: TestServer;
  const mails: Mail[] = [];
  const logins: string[] = [];
  let secured = 0;

  beforeAll(async () => {
    tls = gatewayTls();
    const port = await freePort();
    smtp = new SMTPServer({
      key: tls.gateway.key,
      cert: tls.gateway.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      // Authentication only over TLS: STARTTLS must have happened.
      allowInsecureAuth: false,
      onAuth(auth, session, callback) {
        if (session.secure) secured += 1;
        logins.push(auth.username ?? '');
        if (auth.username === 'renkei' && auth.password === 'smtp-secret-for-tests')
          return callback(null, { user: auth.username });
        return callback(new Error('bad credentials'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo[0].address));
          callback();
        });
      },
      logger: false,
    });
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    server = await startServer({
      env: {
        NOTICE_CHANNEL: 'smtp',
        NOTICE_SMTP_HOST: 'localhost',
        NOTICE_SMTP_PORT: String(port),
        NOTICE_SMTP_USER: 'renkei',
        NOTICE_SMTP_PASSWORD: 'smtp-secret-for-tests',
        NOTICE_SMTP_FROM: 'renkei@demo-shinkumi.example.jp',
        NOTICE_SMTP_CA_FILE: tls.files.ca,
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    tls?.remove();
  });

  test('a new linkage and endings by the customer, the partner and the bank each deliver one e-mail', async () => {
    const seen: string[] = [];
    for (const reason of ['revoked_by_customer', 'revoked_by_partner', 'revoked_by_bank'] as const) {
      const before = mails.length;
      const { tokens } = await linkAndEnd(server, reason);
      const [created, ended] = mails.slice(before);
      expect(mails.length - before).toBe(2);
      expect(created.to).toBe(EMAIL);
      expect(created.subject).toBe('【デモ信用組合】デモかけいぼと口座を連携しました');
      expect(created.text).toContain('・普通預金 ****231');
      expect(ended.subject).toBe('【デモ信用組合】デモかけいぼとの連携を解除しました');
      expect(ended.text).toContain(
        {
          revoked_by_customer: 'お客さまのお手続きにより',
          revoked_by_partner: '連携先でのお手続きにより',
          revoked_by_bank: '当組合の判断により',
        }[reason],
      );
      for (const mail of [created, ended]) {
        expectSafeJapanese(mail.subject + mail.text, tokens);
        seen.push(mail.noticeId);
      }
    }
    expect(new Set(seen).size).toBe(6);
    expect(secured).toBeGreaterThan(0);
    expect(logins.every((u) => u === 'renkei')).toBe(true);
    // The password never reaches the log.
    expect(server.logLines.join('\n')).not.toContain('smtp-secret-for-tests');
  });

  test("each delivery is in the linkage's history with the grant id", async () => {
    const { grantId } = await linkAndEnd(server, 'revoked_by_bank');
    await server.app.audit.flush();
    const sent = (await server.app.audit.query({ kind: 'notice.sent' })).filter((e) => e.details?.grantId === grantId);
    expect(sent.map((e) => e.details?.notice)).toEqual(['linkage.created', 'linkage.ended']);
    expect(sent[0]).toMatchObject({ result: 'success', details: { channel: 'smtp', attempts: 1 } });
  });
});

describe("notices to the bank's messaging system: a signed webhook", () => {
  let server: TestServer;
  let receiver: Server;
  let receiverPort: number;
  let keys: ReturnType<typeof createLocalJWKSet>;
  const seenJti = new Map<string, number>();
  const deliveredNotices = new Set<string>();
  const shown: Record<string, unknown>[] = [];
  const requests: { signature: string; body: Buffer }[] = [];
  let receiverNow = () => server.clock.now();

  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });

  const listen = () =>
    new Promise<void>((resolve) => {
      receiver = createServer(async (req, res) => {
        const body = await read(req);
        const signature = String(req.headers['jws-signature'] ?? '');
        requests.push({ signature, body });
        const check = await verifyNoticeWebhook({
          signature,
          rawBody: body,
          keys,
          now: receiverNow(),
          windowSeconds: 300,
          seenJti,
          deliveredNotices,
        });
        if (check.ok && !check.duplicate) shown.push(check.body);
        res.writeHead(check.ok ? 200 : check.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(check.ok ? { ok: true } : { error: check.reason }));
      });
      receiver.listen(receiverPort, '127.0.0.1', () => resolve());
    });
  const stop = () => new Promise<void>((resolve) => receiver.close(() => resolve()));

  const post = (signature: string, body: Buffer) =>
    fetch(`http://127.0.0.1:${receiverPort}/notices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'jws-signature': signature },
      body,
    });

  beforeAll(async () => {
    receiverPort = await freePort();
    await listen();
    server = await startServer({
      env: { NOTICE_CHANNEL: 'webhook', NOTICE_WEBHOOK_URL: `http://127.0.0.1:${receiverPort}/notices` },
    });
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
      jwks_uri: string;
    };
    keys = createLocalJWKSet((await (await fetch(discovery.jwks_uri)).json()) as JSONWebKeySet);
  });
  afterAll(async () => {
    await server?.close();
    receiver?.closeAllConnections();
    await stop().catch(() => undefined);
  });

  test('a new linkage and endings by the customer, the partner and the bank each deliver one notice', async () => {
    for (const reason of ['revoked_by_customer', 'revoked_by_partner', 'revoked_by_bank'] as const) {
      const before = shown.length;
      const { grantId, tokens } = await linkAndEnd(server, reason);
      const [created, ended] = shown.slice(before);
      expect(shown.length - before).toBe(2);
      expect(created).toMatchObject({ kind: 'linkage.created', grantId, partnerId: 'demo-kakeibo', locale: 'ja' });
      expect(ended).toMatchObject({ kind: 'linkage.ended', grantId, locale: 'ja' });
      expect(created.subject).toBe('【デモ信用組合】デモかけいぼと口座を連携しました');
      expect(ended.subject).toBe('【デモ信用組合】デモかけいぼとの連携を解除しました');
      for (const n of [created, ended]) expectSafeJapanese(`${String(n.subject)}${String(n.text)}`, tokens);
    }
  });

  test('a replayed request is refused by the check, and so is one outside the replay window', async () => {
    const last = requests[requests.length - 1];
    const replay = await post(last.signature, last.body);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toEqual({ error: 'replayed request' });
    // A signature from more than the window ago, even one never seen.
    seenJti.clear();
    receiverNow = () => server.clock.now() + 301_000;
    expect((await post(last.signature, last.body)).status).toBe(401);
    receiverNow = () => server.clock.now();
    // A body changed after signing.
    const forged = Buffer.from(last.body.toString('utf8').replace('linkage.ended', 'linkage.created'));
    expect((await post(last.signature, forged)).status).toBe(401);
    expect((await post('', last.body)).status).toBe(401);
  });

  test('with the receiver down the notice is retried, and delivered once it is back, exactly once', async () => {
    await stop();
    const partner = await partnerFor(server, 'demo-kakeibo');
    const before = shown.length;
    const linked = await link(server, partner, WHO, { scope: 'offline_access accounts' });
    const grantId = linked.tokens.grant_id as string;
    expect((await server.app.notices!.runDueNotices()).sent).toBe(0);
    await server.app.audit.flush();
    const retried = (await server.app.audit.query({ kind: 'notice.retried' })).filter(
      (e) => e.details?.grantId === grantId,
    );
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ result: 'failure', details: { attempts: 1, channel: 'webhook' } });

    // Not before its back-off is over.
    await listen();
    expect(await server.app.notices!.runDueNotices()).toEqual({ sent: 0, retried: 0, failed: 0 });
    server.clock.advance(10_000);
    expect((await server.app.notices!.runDueNotices()).sent).toBe(1);
    expect(await server.app.notices!.runDueNotices()).toEqual({ sent: 0, retried: 0, failed: 0 });
    server.clock.advance(86_400_000);
    expect(await server.app.notices!.runDueNotices()).toEqual({ sent: 0, retried: 0, failed: 0 });

    const mine = shown.slice(before).filter((n) => n.grantId === grantId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: 'linkage.created' });
    await server.app.audit.flush();
    const sent = (await server.app.audit.query({ kind: 'notice.sent' })).filter((e) => e.details?.grantId === grantId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ details: { attempts: 2, noticeId: retried[0].details?.noticeId } });
  });

  test('a notice out of attempts becomes a dead letter, counted and audited', async () => {
    await stop();
    const partner = await partnerFor(server, 'demo-kakeibo');
    const linked = await link(server, partner, WHO, { scope: 'offline_access accounts' });
    const grantId = linked.tokens.grant_id as string;
    for (const delay of [0, ...server.app.config.settings.notices.retryDelaysSeconds]) {
      server.clock.advance(delay * 1000);
      await server.app.notices!.runDueNotices();
    }
    expect(await server.app.notices!.deadLetterCount()).toBe(1);
    await server.app.audit.flush();
    const failed = (await server.app.audit.query({ kind: 'notice.failed' })).filter(
      (e) => e.details?.grantId === grantId,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ details: { attempts: 9 } });
    await listen();
  });
});
