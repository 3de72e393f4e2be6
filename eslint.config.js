// ESLint flat config: @eslint/js and typescript-eslint recommended rules over src/, test/ and bench/.
// Formatting is Prettier's job (`npm run lint` runs `prettier --check` after ESLint), so no stylistic
// rules here and none that fight Prettier (the recommended sets contain none).
// Not type-aware: the recommended set without type information lints the whole tree in seconds, while
// the type-checked set builds the TypeScript program again (several times slower on 2 cores), and
// `tsc --noEmit` already runs before every test run.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The few Node globals the plain .js files use (TypeScript files are checked by tsc, and
// typescript-eslint switches `no-undef` off for them).
const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  globalThis: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  structuredClone: 'writable',
};

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: nodeGlobals },
    // A disable comment that no longer disables anything is an error: the allow-list below stays true.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Recommended, with one option: `const { pin: _pin, ...rest } = x` is how the code leaves a
      // field out of a copy, so the names beside a rest element do not count as unused.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Not in the recommended sets: the line length Prettier aims at, for what it cannot wrap (strings,
      // template literals, comments). A test's title stays one string on its call's line, as Prettier
      // keeps it, so that it can be searched for.
      'max-len': [
        'error',
        {
          code: 120,
          tabWidth: 2,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
          ignorePattern: String.raw`^\s*(describe|test|it)(\.\w+)*\(['"\x60]`,
        },
      ],
    },
  },
  {
    // No type assertions in the server's code (`as const` is not one): typed state, guards, schemas
    // and `satisfies` say what a value is. The allow-list is each `eslint-disable-next-line` of this
    // rule under src/, at an untyped library boundary with its reason;
    // test/architecture/type-assertions.test.ts holds it to at most 15.
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
    },
  },
);
