// A parallel worker lowers its own scheduling priority (and so that of the servers and browsers it
// starts from then on) when its project's set-up runs (test/support/projects/): whatever runs
// beside the tests (the serial files in jest's main process, the developer's own work) gets the CPU
// first, and the worker still has every cycle left idle.
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

const WORKER_NICE = 10;
if (getPriority() < WORKER_NICE) {
  // On Linux a priority belongs to each thread: every thread of the worker (V8's, libuv's pool).
  let threads = [0];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // not Linux: the process's own priority
  }
  for (const thread of threads) {
    try {
      setPriority(thread, WORKER_NICE);
    } catch {
      // Not allowed here, or the thread has ended: that thread shares the CPU evenly.
    }
  }
}
