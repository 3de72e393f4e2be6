// A private PostgreSQL for the test run, in a temporary directory on a free port, from Debian's
// binaries (/usr/lib/postgresql/<version>/bin). initdb refuses to run as root, so as root it runs
// as the `postgres` user. Never the machine's own PostgreSQL on 5432. Without the binaries,
// DATABASE_URL names a server the tests may create databases on (its user needs CREATEDB).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const findBinaries = () => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
};

const asPostgres = (bin, args) => {
  const isRoot = process.getuid?.() === 0;
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
};

const psql = (bin, port, dir, sql) =>
  asPostgres(join(bin, 'psql'), [
    '-h',
    dir,
    '-p',
    String(port),
    '-U',
    'postgres',
    '-d',
    'postgres',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    sql,
  ]);

/** Starts the server; answers { ownerUrl, appRole, stop } or undefined without binaries. */
export const startPostgres = async (port) => {
  const bin = findBinaries();
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'test-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  asPostgres(join(bin, 'initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  asPostgres(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  // pg_signal_backend: a test file's DROP DATABASE ... WITH (FORCE) may end the application role's
  // connections still open (a server pool that is closing); without it the owner may not.
  psql(
    bin,
    port,
    dir,
    'CREATE ROLE records_owner LOGIN CREATEDB; CREATE ROLE records_app LOGIN; ' +
      'GRANT pg_signal_backend TO records_owner;',
  );
  return {
    ownerUrl: `postgres://records_owner@127.0.0.1:${port}/postgres`,
    appRole: 'records_app',
    port,
    stop() {
      try {
        asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped (a fault test)
      }
      rmSync(dir, { recursive: true, force: true });
    },
    /** Fault tests stop and start the very same server. */
    binDir: bin,
    dataDir: data,
    socketDir: dir,
  };
};
