// The order in which jest starts the files. Jest starts the files that took longest last time
// first, so that no worker is left alone with a long file at the end; without its cache of last
// times (a clean checkout, as in CI) it orders by file size, and a short file that runs six others
// (core-banking/over-http) or a browser file started last keeps one worker busy while the other
// idles. Here a file without a time of its own in jest's cache takes the one noted in
// durations.json (seconds of one whole run on a busy 2-core machine: only their order matters);
// a file in neither goes first, as in jest (new files are usually short).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import TestSequencer from '@jest/test-sequencer';

const noted = JSON.parse(readFileSync(join(import.meta.dirname, 'durations.json'), 'utf8'));

export default class NotedDurationsSequencer extends TestSequencer {
  time(test) {
    const seconds = noted[relative(test.context.config.rootDir, test.path)];
    return super.time(test) ?? (seconds === undefined ? undefined : seconds * 1000);
  }
}
