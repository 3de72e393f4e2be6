import { defaultTimeout, timed } from '../support/timeouts.ts';

/**
 * jest-light-runner enforces no time limit of its own: test/support/timeouts.ts gives every test
 * and hook one. These check that the limit fails a hung function and leaves a prompt one alone.
 */
describe('the time limit of tests and hooks', () => {
  test('a function still pending when its time is up fails with the limit in the message', async () => {
    const hung = timed(() => new Promise(() => {}), 50);
    await expect(hung()).rejects.toThrow('Exceeded timeout of 50 ms for a test or hook.');
  });

  test('a function that settles in time gives its own result or error', async () => {
    await expect(timed(async () => 'done', 1_000)()).resolves.toBe('done');
    await expect(
      timed(async () => {
        throw new Error('its own');
      }, 1_000)(),
    ).rejects.toThrow('its own');
  });

  test('a test without a time of its own gets its project default (15 s for unit)', () => {
    expect(defaultTimeout()).toBe(15_000);
  });
});
