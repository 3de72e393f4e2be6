import { createServer } from 'node:net';

/**
 * Ports for the servers the tests start. Jest runs test files in several worker processes at once:
 * each worker takes ports from its own band, below the kernel's ephemeral range (32768 and up on
 * Linux), so two workers never pick the same port and an outgoing connection never holds one.
 * Outside a worker (the global setup) the band is the first one.
 */
const BAND = 500;
const FIRST = 12_000;
const BANDS = 20; // 12000–21999; a Redis Cluster node's bus port (port + 10000) stays below 32768
const worker = Number(process.env.JEST_WORKER_ID ?? '0');
const start = FIRST + (worker % BANDS) * BAND;
// A random place in the band: consecutive files of one worker do not reuse each other's ports.
let next = Math.floor(Math.random() * BAND);

/** Whether nothing listens on the port on 127.0.0.1 right now. */
export const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A port of this worker's band that is free now (and, with `alsoFree`, other ports that must be
 * free with it, such as a cluster bus port); each call gives a different one.
 */
export const freePort = async (alsoFree: (port: number) => number[] = () => []): Promise<number> => {
  for (let tries = 0; tries < BAND; tries += 1) {
    const port = start + (next % BAND);
    next += 1;
    const needed = [port, ...alsoFree(port)];
    const free = await Promise.all(needed.map(portIsFree));
    if (free.every(Boolean)) return port;
  }
  throw new Error(`no free port in ${start}–${start + BAND - 1}`);
};

/** A port nothing listens on: for a test of what happens when a server cannot be reached. */
export const closedPort = freePort;
