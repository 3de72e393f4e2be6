// npm run bench:capacity [-- run.json] — the sizing tables of docs/capacity.md from a bench run's
// measured per-call costs (bench/last-run.json by default), so the document can be refreshed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Row {
  side: string;
  scenario: string;
  connections: number;
  rps: number;
  cpuUs: number;
  redisCommands: number;
  redisBytes: number;
  pgRows?: number;
  pgBytes?: number;
}

const file = process.argv[2] ?? join(import.meta.dirname, 'last-run.json');
const run = JSON.parse(readFileSync(file, 'utf8')) as { date: string; machine: string; rows: Row[] };
const at = (scenario: string) => {
  const rows = run.rows.filter((r) => r.side === 'real' && r.scenario === scenario);
  // The highest concurrency measured: the batch window runs the server at saturation.
  return rows.sort((a, b) => b.connections - a.connections)[0];
};
const data = at('data');
const refresh = at('refresh');
if (!data || !refresh) throw new Error(`${file} has no data and refresh rows of the real server`);

/** The model's assumptions (docs/capacity.md explains each). */
export const MODEL = {
  pollsPerDay: 20,
  /** Data calls per poll: accounts, balances, transactions. */
  dataCallsPerPoll: 3,
  /** Refreshes per poll: access tokens live an hour, polls are further apart. */
  refreshesPerPoll: 1,
  /** Peak rate in the partners' nightly batch window, as a multiple of the day's mean rate. */
  peakFactor: 10,
  /** Share of one core an instance may use at peak (headroom for GC spikes, logins, a lost instance). */
  cpuTarget: 0.6,
  /** Commands per second one Redis shard is planned for (one core; measured Lua + streams mix). */
  redisCommandsPerShard: 60_000,
  /** Network bytes per second one Redis shard is planned for. */
  redisBytesPerShard: 200 * 2 ** 20,
  auditRetentionDays: 400,
};

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const lines: string[] = [];
lines.push(`from ${file} (${run.date}, ${run.machine})`);
lines.push(
  `per data call: ${fmt(data.cpuUs)} µs CPU, ${fmt(data.redisCommands, 2)} Redis commands, ${fmt(data.redisBytes)} B` +
    (data.pgRows !== undefined ? `, ${fmt(data.pgRows, 2)} PostgreSQL rows, ${fmt(data.pgBytes ?? 0)} B` : ''),
);
lines.push(
  `per refresh:   ${fmt(refresh.cpuUs)} µs CPU, ${fmt(refresh.redisCommands, 2)} Redis commands, ` +
    `${fmt(refresh.redisBytes)} B` +
    (refresh.pgRows !== undefined ? `, ${fmt(refresh.pgRows, 2)} PostgreSQL rows, ${fmt(refresh.pgBytes ?? 0)} B` : ''),
);
lines.push('');
lines.push(
  '| linked customers | calls/day | peak calls/s | CPU cores at peak | instances (1 core, 60%, +1) | ' +
    'Redis commands/s | Redis shards | PostgreSQL rows/s at peak | PostgreSQL GB per year |',
);
lines.push('|---|---|---|---|---|---|---|---|---|');
for (const customers of [10_000, 100_000, 1_000_000]) {
  const polls = customers * MODEL.pollsPerDay;
  const dataPerDay = polls * MODEL.dataCallsPerPoll;
  const refreshPerDay = polls * MODEL.refreshesPerPoll;
  const peak = (x: number) => (x / 86_400) * MODEL.peakFactor;
  const cores = (peak(dataPerDay) * data.cpuUs + peak(refreshPerDay) * refresh.cpuUs) / 1e6;
  const instances = Math.ceil(cores / MODEL.cpuTarget) + 1;
  const commands = peak(dataPerDay) * data.redisCommands + peak(refreshPerDay) * refresh.redisCommands;
  const bytes = peak(dataPerDay) * data.redisBytes + peak(refreshPerDay) * refresh.redisBytes;
  const shards = Math.max(
    1,
    Math.ceil(commands / MODEL.redisCommandsPerShard),
    Math.ceil(bytes / MODEL.redisBytesPerShard),
  );
  const rows = peak(dataPerDay) * (data.pgRows ?? 0) + peak(refreshPerDay) * (refresh.pgRows ?? 0);
  const pgYear = (dataPerDay * (data.pgBytes ?? 0) + refreshPerDay * (refresh.pgBytes ?? 0)) * 365;
  lines.push(
    `| ${fmt(customers)} | ${fmt(dataPerDay + refreshPerDay)} | ${fmt(peak(dataPerDay + refreshPerDay))} | ` +
      `${fmt(cores, 1)} | ${fmt(instances)} | ${fmt(commands)} | ${fmt(shards)} | ${fmt(rows)} | ` +
      `${fmt(pgYear / 1e9, 1)} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
