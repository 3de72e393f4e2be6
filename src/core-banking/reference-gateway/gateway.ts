import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { TLSSocket } from 'node:tls';
import { describeErrors, type GatewayContract, type GatewaySchemas } from '../http/contract.ts';
import type { CoreBanking, LoginAccountRef } from '../port.ts';

/** Fault injection for tests: slow answers, 5xx answers. Change the fields at any time. */
export interface GatewayFaults {
  delayMs: number;
  failStatus?: number;
}

export interface ReferenceGatewayOptions {
  /** What answers: the demo core banking over the demo data set. */
  core: CoreBanking;
  contract: GatewayContract;
  /** With TLS, a client certificate issued by `ca` is required (mutual TLS); without, plain HTTP (tests only). */
  tls?: { cert: string; key: string; ca: string };
  /** Called with every answer (the contract tests validate each one against the document). */
  onResponse?: (answer: { method: string; route: string; status: number; body: unknown }) => void;
  faults?: GatewayFaults;
}

export interface ReferenceGateway {
  server: Server;
  faults: GatewayFaults;
}

/** `match`: the path and its decoded parameters; `body`: the request's, valid against its schema. */
type Handler<B> = (match: string[], query: URLSearchParams, body: B) => Promise<[number, unknown]>;
interface Route {
  method: 'GET' | 'POST';
  /** The path as the OpenAPI document names it. */
  template: string;
  pattern: RegExp;
  /** Whether the operation takes a JSON body. */
  takesBody: boolean;
  handle: Handler<unknown>;
}

const SEGMENT = '([^/]+)';
const MAX_BODY = 16_384;
const DEFAULT_PAGE = 500;

const error = (status: number, errorCode: string, errorMessage: string): [number, unknown] => [
  status,
  { errorCode, errorMessage },
];
const notFound = (what: 'customer' | 'account'): [number, unknown] =>
  error(404, `${what}_not_found`, `no such ${what}`);
const refOf = (b: GatewaySchemas['LoginAccount']): LoginAccountRef => ({
  branchCode: b.branchCode,
  accountType: b.accountType,
  accountNumber: b.accountNumber,
});

/**
 * The reference core-banking gateway: the contract of docs/openapi/core-banking-gateway.json
 * implemented over any CoreBanking (the demo data set), for the tests, docker-compose and the
 * bank's integrators. Every request is checked against the document; answers are built from the
 * port's values only. It keeps no state of its own.
 */
export const createReferenceGateway = (options: ReferenceGatewayOptions): ReferenceGateway => {
  const { core, contract } = options;
  const faults: GatewayFaults = options.faults ?? { delayMs: 0 };

  const routes: Route[] = [];
  const add = (method: Route['method'], template: string, takesBody: boolean, handle: Handler<unknown>) => {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, SEGMENT)}$`);
    routes.push({ method, template, pattern, takesBody, handle });
  };
  const route = (method: Route['method'], template: string, handle: Handler<undefined>) =>
    add(method, template, false, (match, query) => handle(match, query, undefined));
  /** An operation with a body: a body that is not valid against `schema` is a 400 before `handle`. */
  const routeWithBody = <N extends keyof GatewaySchemas>(
    template: string,
    handle: Handler<GatewaySchemas[N]>,
    schema: N,
  ) =>
    add('POST', template, true, async (match, query, body) => {
      const validate = contract.schema(schema);
      return validate(body) ? handle(match, query, body) : error(400, 'invalid_request', describeErrors(validate));
    });

  routeWithBody(
    '/identity-checks',
    async (_m, _q, b) => {
      const { pin, ...rest } = b;
      return [200, await core.checkIdentity(refOf(rest), pin)];
    },
    'IdentityCheckRequest',
  );
  routeWithBody(
    '/login-accounts/lookup',
    async (_m, _q, b) => {
      const ref = refOf(b);
      const customerId = await core.customerIdOf(ref);
      const account = customerId
        ? (await core.accounts(customerId)).find(
            (a) =>
              a.branchCode === ref.branchCode &&
              a.accountType === ref.accountType &&
              a.accountNumber === ref.accountNumber,
          )
        : undefined;
      return customerId && account ? [200, { customerId, accountId: account.accountId }] : notFound('account');
    },
    'LoginAccount',
  );
  routeWithBody(
    '/customers/{customerId}/one-time-code-checks',
    async (m, _q, b) => {
      const { code, windowSteps = 1 } = b;
      const step = await core.verifyOneTimeCode(m[1], code, windowSteps);
      return [200, step === undefined ? { result: 'invalid' } : { result: 'valid', timeStep: step }];
    },
    'OneTimeCodeCheckRequest',
  );
  route('GET', '/customers', async (_m, q) => {
    const customerId = q.get('customerId') ?? undefined;
    const nameKana = q.get('nameKana') ?? undefined;
    if (customerId !== undefined && !/^[0-9]{1,20}$/.test(customerId))
      return error(400, 'invalid_request', 'customerId');
    if (nameKana !== undefined && (nameKana.length < 2 || nameKana.length > 40))
      return error(400, 'invalid_request', 'nameKana must be 2 to 40 characters');
    return [200, { customers: await core.searchCustomers({ customerId, nameKana }) }];
  });
  route('GET', '/customers/{customerId}', async (m) => {
    const customer = await core.customer(m[1]);
    return customer ? [200, customer] : notFound('customer');
  });
  route('GET', '/customers/{customerId}/eligibility', async (m) => [200, await core.eligibility(m[1])]);
  route('GET', '/customers/{customerId}/contact', async (m) => {
    if (!(await core.customer(m[1]))) return notFound('customer');
    const contact = await core.contact(m[1]);
    return contact ? [200, contact] : error(404, 'not_found', 'no contact registered');
  });
  route('GET', '/customers/{customerId}/accounts', async (m) => [200, { accounts: await core.accounts(m[1]) }]);
  route('GET', '/accounts/{accountId}', async (m) => {
    const account = await core.account(m[1]);
    return account ? [200, account] : notFound('account');
  });
  route('GET', '/accounts/{accountId}/balance', async (m) => {
    const balance = await core.balance(m[1]);
    return balance ? [200, balance] : notFound('account');
  });
  route('GET', '/accounts/{accountId}/transactions', async (m, q) => {
    const dateFrom = q.get('dateFrom') ?? '';
    const dateTo = q.get('dateTo') ?? '';
    const limit = Number(q.get('limit') ?? DEFAULT_PAGE);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return error(400, 'invalid_request', 'limit');
    const asOf = await core.asOf();
    let all;
    try {
      all = await core.transactions(m[1], dateFrom, dateTo);
    } catch (e) {
      if (e instanceof RangeError) return error(400, 'invalid_request', 'dateFrom and dateTo must be YYYY-MM-DD dates');
      throw e;
    }
    // The cursor is the last itemKey handed out: stable while the history only grows at its end.
    const cursor = q.get('cursor');
    const start = cursor ? all.findIndex((t) => t.itemKey === cursor) + 1 : 0;
    if (cursor && start === 0) return error(400, 'invalid_request', 'unknown cursor');
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return [200, { asOf, transactions: page, ...(more ? { nextCursor: page.at(-1)!.itemKey } : {}) }];
  });
  route('GET', '/accounts/{accountId}/time-deposits', async (m) => [
    200,
    { asOf: await core.asOf(), timeDeposits: await core.timeDeposits(m[1]) },
  ]);
  route('GET', '/as-of', async () => [200, { asOf: await core.asOf() }]);

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    let size = 0;
    const chunks: Buffer[] = [];
    // Without an encoding set, a request's chunks are Buffers.
    for await (const chunk of req) {
      if (!Buffer.isBuffer(chunk)) throw new SyntaxError('the body is not bytes');
      size += chunk.length;
      if (size > MAX_BODY) throw new SyntaxError('body too large');
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  };

  const answer = async (req: IncomingMessage): Promise<[string, number, unknown]> => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const path = url.pathname.replace(/^\/v1(?=\/)/, '');
    const candidates = routes.filter((r) => r.pattern.test(path));
    const found = candidates.find((r) => r.method === req.method);
    if (!found) return [path, ...error(candidates.length ? 405 : 404, 'not_found', 'no such operation')];
    const match = path.match(found.pattern)!.map((p) => decodeURIComponent(p));
    let body: unknown;
    if (found.takesBody) {
      try {
        body = await readBody(req);
      } catch {
        return [found.template, ...error(400, 'invalid_request', 'the body is not JSON')];
      }
    }
    return [found.template, ...(await found.handle(match, url.searchParams, body))];
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    if (options.tls && !(req.socket instanceof TLSSocket && req.socket.authorized)) {
      send(req, res, '', ...error(401, 'client_certificate_required', 'a trusted client certificate is required'));
      return;
    }
    if (faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
    if (res.destroyed) return;
    if (faults.failStatus) {
      send(
        req,
        res,
        '',
        ...error(faults.failStatus, faults.failStatus === 503 ? 'host_unavailable' : 'internal_error', 'injected'),
      );
      return;
    }
    try {
      send(req, res, ...(await answer(req)));
    } catch {
      send(req, res, '', ...error(500, 'internal_error', 'the gateway failed'));
    }
  };

  const send = (req: IncomingMessage, res: ServerResponse, template: string, status: number, body: unknown) => {
    if (res.destroyed) return;
    options.onResponse?.({ method: (req.method ?? 'GET').toLowerCase(), route: template, status, body });
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const server = options.tls
    ? createHttpsServer(
        { ...options.tls, requestCert: true, rejectUnauthorized: false },
        (req, res) => void handler(req, res),
      )
    : createHttpServer((req, res) => void handler(req, res));
  server.keepAliveTimeout = 60_000;
  return { server, faults };
};
