// The integration project's workers: 30,000 ms per test and hook by default, and a lower CPU priority.
import '../worker-priority.js';
import { useDefaultTimeout } from '../timeouts.ts';

useDefaultTimeout(30_000);
