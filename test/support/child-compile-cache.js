// Many tests start node processes of their own (`npm start`, the CLIs), each loading oidc-provider
// and the sources again. Node's compile cache (NODE_COMPILE_CACHE, a directory the global setup
// makes) keeps what V8 compiled, so every start after the first of a run compiles far less. A test
// that gives a child an environment of its own (often just PATH and a few settings) gets the cache
// directory added to it here; nothing else about the child changes.
import childProcess from 'node:child_process';

const PATCHED = Symbol.for('test-support.child-compile-cache');
const cacheDir = process.env.NODE_COMPILE_CACHE;

/** The options argument of a child_process call: the first plain object after the command. */
const withCache = (args) => {
  const at = args.findIndex((a, i) => i > 0 && a !== null && typeof a === 'object' && !Array.isArray(a));
  if (at === -1) return args; // no options: the child inherits process.env, which has the cache
  const options = args[at];
  if (!options.env || 'NODE_COMPILE_CACHE' in options.env) return args;
  const copy = [...args];
  copy[at] = { ...options, env: { ...options.env, NODE_COMPILE_CACHE: cacheDir } };
  return copy;
};

if (cacheDir && !childProcess[PATCHED]) {
  childProcess[PATCHED] = true;
  for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']) {
    const original = childProcess[name];
    const patched = (...args) => original(...withCache(args));
    // execFile's promisified form (util.promisify) answers { stdout, stderr }, as the original does.
    const custom = original[Symbol.for('nodejs.util.promisify.custom')];
    if (custom) patched[Symbol.for('nodejs.util.promisify.custom')] = (...args) => custom(...withCache(args));
    childProcess[name] = patched;
  }
}
