// The faults project, in jest's main process after the parallel workers: 60,000 ms per test and
// hook by default, at the normal CPU priority (its files assert against the request deadline).
import { useDefaultTimeout } from '../timeouts.ts';

useDefaultTimeout(60_000);
