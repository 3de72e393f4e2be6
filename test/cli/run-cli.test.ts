import { CliFailure, runCli, type CliCommand } from '../../src/cli/run-cli.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig, type Config } from '../../src/config/load-config.ts';
import { ROOT } from '../support/demo.ts';

// The preamble of the commands that read the server's configuration (src/cli/run-cli.ts): what
// each ending writes on stderr and which exit code it leaves. The commands' own outputs are
// asserted by their tests (test/admin/cli, test/grants/store-check-cli, test/config/config-check, ...).

const config = loadConfig({ NODE_ENV: 'test' }, ROOT);
const command = (more: Partial<CliCommand> = {}): CliCommand => ({
  name: 'sample:cmd',
  configExitCode: 78,
  loadConfig: () => config,
  ...more,
});

let written: string[];
beforeEach(() => {
  written = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  // This worker's own exit code must not keep what a case set.
  process.exitCode = undefined;
});

test('runs with the configuration and leaves the exit code it answers (0 for none), writing nothing', async () => {
  let seen: Config | undefined;
  await runCli(command(), async (c) => {
    seen = c;
    return 3;
  });
  expect(seen).toBe(config);
  expect(process.exitCode).toBe(3);
  await runCli(command(), async () => undefined);
  expect(process.exitCode).toBe(0);
  expect(written).toEqual([]);
});

test("a configuration error ends it with configExitCode, as `<name>: <message>` or the command's own line", async () => {
  const problem = new ConfigError('config/x.json', ['a: must be b']);
  const failing = () => {
    throw problem;
  };
  await runCli(command({ loadConfig: failing }), async () => 0);
  expect(written).toEqual([`sample:cmd: ${problem.message}\n`]);
  expect(process.exitCode).toBe(78);

  written = [];
  await runCli(command({ loadConfig: failing, configExitCode: 1, configErrorLine: (e) => e.oneLine() }), async () => 0);
  expect(written).toEqual(['invalid configuration in config/x.json: a: must be b\n']);
  expect(process.exitCode).toBe(1);
});

test('a CliFailure ends it with its own code, anything else with 1; each as one line after the name', async () => {
  await runCli(command(), async () => {
    throw new CliFailure('wrong usage', 64);
  });
  expect(written).toEqual(['sample:cmd: wrong usage\n']);
  expect(process.exitCode).toBe(64);

  written = [];
  await runCli(command(), async () => {
    throw new Error('the store is gone');
  });
  expect(written).toEqual(['sample:cmd: the store is gone\n']);
  expect(process.exitCode).toBe(1);
});
