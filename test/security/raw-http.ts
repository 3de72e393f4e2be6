import { Agent, request } from 'node:http';

const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request with the path exactly as given (fetch would resolve dot segments and re-encode),
 * any Host and headers, over a kept-alive connection.
 */
export const rawRequest = (
  base: string,
  init: { method?: string; path: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(base);
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: init.method ?? 'GET',
        path: init.path,
        headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...init.headers },
        agent: keepAlive,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (init.timeoutMs)
      req.setTimeout(init.timeoutMs, () => {
        req.destroy(new Error(`no answer within ${init.timeoutMs} ms`));
      });
    req.end(body);
  });
