import tseslint from 'typescript-eslint';
import base from '/work/wt/shared-web/eslint.config.js';
export default [...base, { files: ['src/**/*.ts'], rules: { '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }] } }];
