import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { KEY_KINDS, kindOf, renderStoreKeysDoc } from '../../src/store/keys.ts';

const root = join(import.meta.dirname, '..', '..');
const ADAPTER = 'src/store/oidc-adapter.ts';

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });

describe("oidc-provider's storage layout stays behind the adapter", () => {
  const files = sourceFiles(join(root, 'src'));

  it('finds the source files (the test can fail)', () => {
    expect(files).toContain(ADAPTER);
    expect(readFileSync(join(root, ADAPTER), 'utf8')).toMatch(/oidc:/);
  });

  it.each(files.filter((f) => f !== ADAPTER))('%s names no oidc: key and no adapter internals', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text).not.toMatch(/['"`]oidc:/);
    expect(text).not.toMatch(/\boidcKeys\b/);
    // Reading a model means knowing its key: only through createOidcStore's finders.
    expect(text).not.toMatch(/store\.get\([^)]*(AccessToken|ClientCredentials|RefreshToken|Grant)\b/);
  });
});

describe('the list of store keys', () => {
  it('docs/store-keys.md is generated from src/store/keys.ts (npm run docs:store-keys)', () => {
    expect(readFileSync(join(root, 'docs', 'store-keys.md'), 'utf8')).toBe(renderStoreKeysDoc());
  });

  it('names each kind once, and every kind matches its own pattern examples', () => {
    const samples: Record<string, string> = {
      'oidc:AccessToken:{abc}': 'oidc:{Model}:{id}',
      'oidc:AccessToken:abc': 'oidc:{Model}:{id}',
      'dpop:{abc}:jti-1': 'dpop:{{accessToken}}:{jti}',
      'oidc:Grant:{g1}': 'oidc:{Model}:{id}',
      'oidc:grant:{g1}': 'oidc:grant:{{grantId}}',
      'grant:{g1}': 'grant:{{grantId}}',
      'grant-ended:{g1}': 'grant-ended:{{grantId}}',
      'consent:{g1}:c1': 'consent:{{grantId}}:{consentId}',
      'staff:alice': 'staff:{username}',
      'partner:demo-kakeibo': 'partner:{clientId}',
      'partner-event:e1': 'partner-event:{id} / partner-event-lock:{id} / partner-events:pending',
      'partner-events:pending': 'partner-event:{id} / partner-event-lock:{id} / partner-events:pending',
      'linkage-journal': 'linkage-journal',
    };
    for (const [key, pattern] of Object.entries(samples)) expect([key, kindOf(key)?.pattern]).toEqual([key, pattern]);
    expect(kindOf('something-else:1')).toBeUndefined();
    expect(new Set(KEY_KINDS.map((k) => k.pattern)).size).toBe(KEY_KINDS.length);
  });
});
