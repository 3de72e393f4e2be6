import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/ports.ts';

const run = promisify(execFile);

/** A node needs its port and the cluster bus port (port + 10000) free. */
const freeClusterPort = () => freePort((port) => [port + 10000]);

const until = async (what: string, check: () => Promise<boolean>) => {
  for (let i = 0; i < 200; i += 1) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis cluster: ${what} did not happen`);
};

export interface RedisCluster {
  nodes: { host: string; port: number }[];
  stop(): Promise<void>;
}

/** Three masters, no replicas, on free ports in a temporary directory: enough to spread slots. */
export const startRedisCluster = async (redisServer: string): Promise<RedisCluster> => {
  const cli = join(dirname(redisServer), 'redis-cli');
  const dir = mkdtempSync(join(tmpdir(), 'test-redis-cluster-'));
  const ports = [await freeClusterPort(), await freeClusterPort(), await freeClusterPort()];
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      redisServer,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(undefined);
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const cliOn = (port: number, ...args: string[]) => run(cli, ['-h', '127.0.0.1', '-p', String(port), ...args]);
    for (const port of ports)
      await until(`node ${port} answering`, async () => (await cliOn(port, 'ping')).stdout.trim() === 'PONG');
    await run(cli, [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await until(`cluster state ok on ${port}`, async () =>
        (await cliOn(port, 'cluster', 'info')).stdout.includes('cluster_state:ok'),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
};
