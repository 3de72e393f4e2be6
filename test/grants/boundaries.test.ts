import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });

/**
 * Linkages are made, replaced and ended only through src/grants/linkages.ts: no surface writes a
 * grant record or consent evidence itself, or calls the revocation's internals.
 */
const FORBIDDEN = [
  /\brevocation\.(endGrant|endCustomerGrants|endPartnerGrants|revokeTokens|endEarlierLinkages|afterProviderRevoked|dropAccount|resume)\(/,
  /\bgrants\.(save|update|recordWrite|recordDelete|addToIndexes|removeFromIndexes)\(/,
  /\bconsents\.(beforeLinkage|writes)\(/,
  /\bjournal\.(add|remove)\(/,
  /\bcreate(GrantRevocation|GrantRecords|ConsentRecords|LinkageJournal)\(/,
];
// The composition root builds them; the store check reads them.
const BUILDERS = new Set(['src/app.ts', 'src/cli/store-check.ts']);

describe('linkages are made and ended only through src/grants/', () => {
  const files = sourceFiles(join(root, 'src'));

  it('sees the operations where they belong (the test can fail)', () => {
    const inside = readFileSync(join(root, 'src/grants/linkages.ts'), 'utf8');
    expect(FORBIDDEN.filter((rule) => rule.test(inside)).length).toBeGreaterThan(2);
  });

  it.each(files.filter((f) => !f.startsWith('src/grants/')))('%s calls no linkage internals', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const rules = BUILDERS.has(file) ? FORBIDDEN.slice(0, 4) : FORBIDDEN;
    for (const rule of rules) expect([file, rule.exec(text)?.[0]]).toEqual([file, undefined]);
  });
});
