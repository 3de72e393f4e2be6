export default async function globalTeardown() {
  globalThis.__TEST_POSTGRES__?.stop();
  const child = globalThis.__TEST_REDIS__;
  if (child && child.exitCode === null) {
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
}
