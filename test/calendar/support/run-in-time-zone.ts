import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs a TypeScript script in a fresh Node process with the given TZ and parses its JSON output. */
export const runInTimeZone = <T>(script: URL, timeZone: string, input: unknown): T => {
  const result = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', fileURLToPath(script), JSON.stringify(input)],
    { env: { ...process.env, TZ: timeZone }, encoding: 'utf8', timeout: 30_000 },
  );
  if (result.status !== 0) throw new Error(`${fileURLToPath(script)} failed in TZ=${timeZone}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
};
