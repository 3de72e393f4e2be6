import { fileURLToPath } from 'node:url';
import {
  createDemoCoreBanking,
  loadDemoCoreBankingData,
  type DemoCoreBankingData,
} from '../../src/core-banking/demo/index.ts';
import type { AddressInfo } from 'node:net';
import { loadGatewayContract, type GatewayContract } from '../../src/core-banking/http/contract.ts';
import { createHttpCoreBanking, type HttpCoreBanking } from '../../src/core-banking/http/http-core-banking.ts';
import { coreBankingSettingsSchema } from '../../src/core-banking/http/settings-schema.ts';
import { createReferenceGateway } from '../../src/core-banking/reference-gateway/gateway.ts';
import type { CoreBanking, LoginAccountRef } from '../../src/core-banking/port.ts';
import { createAjv } from '../../src/shared/json-schema.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';

export const DATA_FILE = fileURLToPath(new URL('../../config/demo/core-banking.json', import.meta.url));
export const DOCS_FILE = fileURLToPath(new URL('../../docs/demo-customers.md', import.meta.url));

/** The demo customers by the letter docs/demo-customers.md gives them. */
export const CUSTOMER = {
  A: '0000100001',
  B: '0000100002',
  C: '0000100003',
  D: '0000100004',
  E: '0000100005',
  F: '0000100006',
} as const;

export const LOGIN: Record<'A' | 'B' | 'C' | 'D' | 'E', LoginAccountRef & { pin: string }> = {
  A: { branchCode: '001', accountType: 'ordinary', accountNumber: '1012345', pin: '2580' },
  B: { branchCode: '002', accountType: 'ordinary', accountNumber: '2104871', pin: '1357' },
  C: { branchCode: '003', accountType: 'ordinary', accountNumber: '3207715', pin: '8642' },
  D: { branchCode: '001', accountType: 'ordinary', accountNumber: '1098765', pin: '4826' },
  E: { branchCode: '004', accountType: 'ordinary', accountNumber: '4301122', pin: '9753' },
};

/** 2026-11-25 12:00 JST. */
export const NOON_2026_11_25 = new Date('2026-11-25T03:00:00Z');

let cached: DemoCoreBankingData | undefined;
export const demoData = (): DemoCoreBankingData => (cached ??= loadDemoCoreBankingData(DATA_FILE));

export interface Fixture {
  core: CoreBanking;
  clock: ManualClock;
  store: MemoryStore;
}

/**
 * Which connector the behaviour tests of this folder run on: the in-process demo, or the HTTP
 * connector against the reference gateway serving the same data (test/core-banking/over-http.test.ts
 * switches before it loads the same test files). Both share one clock, so tests still move time.
 */
let connector: 'demo' | 'http' = 'demo';
const opened: { close(): Promise<void> }[] = [];
let contract: GatewayContract | undefined;
export const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));

export const useConnector = (kind: 'demo' | 'http') => {
  connector = kind;
};
export const connectorInUse = () => connector;
export const closeConnectors = async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
};

/** The HTTP connector's settings with every default (the schema's), and the overrides given. */
export const httpConnectorSettings = (overrides: Record<string, unknown> = {}) => {
  const holder: { coreBanking: { http?: Record<string, unknown> } } = { coreBanking: {} };
  createAjv().validate({ type: 'object', properties: { coreBanking: coreBankingSettingsSchema } }, holder);
  return { ...holder.coreBanking.http, ...overrides } as unknown as Parameters<
    typeof createHttpCoreBanking
  >[0]['settings'];
};

export const demoCoreBanking = (at: Date = NOON_2026_11_25, data: DemoCoreBankingData = demoData()): Fixture => {
  const clock = new ManualClock(at);
  const store = new MemoryStore(clock);
  const demo = createDemoCoreBanking({ data, store: new MemoryStore(clock), clock });
  if (connector === 'demo') return { core: createDemoCoreBanking({ data, store, clock }), clock, store };
  contract ??= loadGatewayContract(ROOT_DIR);
  const { server } = createReferenceGateway({ core: demo, contract });
  const connected = new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)).then(() =>
    createHttpCoreBanking({
      // Generous timeouts: the first call in a test process compiles undici's parser, and the
      // machine is shared; timeouts have tests of their own (test/core-banking/http-connector.test.ts).
      settings: httpConnectorSettings({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        readTimeoutMs: 10_000,
        readDeadlineMs: 10_000,
        checkTimeoutMs: 10_000,
      }),
      contract: contract!,
      tls: {},
      store,
      clock,
      logger: createLogger({ level: 'error', write: () => {} }),
    }),
  );
  // The fixture is synchronous (tests build it at module level): each call waits for the connection.
  const core = new Proxy({} as HttpCoreBanking, {
    get:
      (_target, name: keyof HttpCoreBanking) =>
      async (...args: unknown[]) =>
        ((await connected)[name] as (...a: unknown[]) => unknown)(...args),
  });
  opened.push(
    { close: async () => (await connected).close() },
    {
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    },
  );
  return { core, clock, store };
};

/** The demo connector itself, for what only it offers (the TOTP secret). */
export const demoOnly = (at: Date = NOON_2026_11_25) => {
  const clock = new ManualClock(at);
  return createDemoCoreBanking({ data: demoData(), store: new MemoryStore(clock), clock });
};
