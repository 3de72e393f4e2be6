import { closeConnectors, useConnector } from './demo-fixture.ts';

// The same behaviour tests as the in-process demo connector, on the HTTP connector against the
// reference gateway serving the same data set: both implementations of the port must agree.
useConnector('http');
afterAll(closeConnectors);

await import('./balances.test.ts');
await import('./eligibility.test.ts');
await import('./login-failures.test.ts');
await import('./pin-verification.test.ts');
await import('./time-deposits.test.ts');
await import('./transactions.test.ts');
