import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers its n-th request (1-based): a status, or 'hang' for never. */
export type Answer = (n: number) => number | 'hang';

/**
 * A partner's event endpoint (RFC 8935 push receiver) on 127.0.0.1: records every request and
 * answers as the test says, optionally after a delay.
 */
export const startEventReceiver = async (options: { answer?: Answer; delayMs?: number } = {}) => {
  let answer: Answer = options.answer ?? (() => 202);
  const received: ReceivedEvent[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = answer(received.length);
      if (status === 'hang') return;
      const reply = () => {
        if (status === 400)
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ err: 'invalid_key', description: 'unknown kid' }));
        else res.writeHead(status).end();
      };
      if (options.delayMs) setTimeout(reply, options.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    answerWith(next: Answer) {
      answer = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export type EventReceiver = Awaited<ReturnType<typeof startEventReceiver>>;
