// What every command that reads the server's configuration does around its own work: read the
// configuration, run, and end with an exit code; a failure is one line on stderr that starts with
// the command's name ("store:check: …"), never a stack trace.
import { ConfigError } from '../config/config-error.ts';
import { loadConfig, type Config } from '../config/load-config.ts';
import { messageOf } from '../shared/thrown.ts';

/** Ends a command with its line on stderr (after the command's name) and an exit code. */
export class CliFailure extends Error {
  override name = 'CliFailure';
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

export interface CliCommand {
  /** Starts every line the command writes on stderr: `audit:verify`. */
  name: string;
  /** The exit code when the configuration cannot be used: 78 (sysexits' EX_CONFIG), or 1. */
  configExitCode: number;
  /** A configuration error as the command shows it; by default `<name>: <its message>`. */
  configErrorLine?: (error: ConfigError) => string;
  /** The configuration to run with; by default this process's environment (`loadConfig(process.env)`). */
  loadConfig?: () => Config | Promise<Config>;
}

/**
 * Reads the configuration, runs `main` with it and sets the exit code `main` resolves to (0 when it
 * resolves to nothing). A ConfigError ends the command with `configExitCode`, a CliFailure with its
 * own code, anything else with 1; each as one line on stderr.
 */
export const runCli = async (command: CliCommand, main: (config: Config) => Promise<number | void>): Promise<void> => {
  try {
    const config = await (command.loadConfig ?? (() => loadConfig(process.env)))();
    process.exitCode = (await main(config)) ?? 0;
  } catch (e) {
    const [line, exitCode] =
      e instanceof ConfigError
        ? [command.configErrorLine?.(e) ?? `${command.name}: ${e.message}`, command.configExitCode]
        : [`${command.name}: ${messageOf(e)}`, e instanceof CliFailure ? e.exitCode : 1];
    process.stderr.write(`${line}\n`);
    process.exitCode = exitCode;
  }
};
