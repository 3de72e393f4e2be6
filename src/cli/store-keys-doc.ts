import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderStoreKeysDoc } from '../store/keys.ts';

// Writes docs/store-keys.md from the list of store keys (src/store/keys.ts).
const target = join(import.meta.dirname, '..', '..', 'docs', 'store-keys.md');
writeFileSync(target, renderStoreKeysDoc());
process.stdout.write(`wrote ${target}\n`);
