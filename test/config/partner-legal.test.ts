import { createAjv } from '../../src/shared/json-schema.ts';
import { partnerSchema } from '../../src/partners/schema.ts';

/** The partner file's legal details: the registration number in the form the FSA's register uses. */
const validate = createAjv().compile(partnerSchema);
const partnerWith = (legal: Record<string, unknown>) => ({
  client_id: 'legal-test',
  name: { ja: 'テスト', en: 'Test' },
  redirect_uris: ['https://app.example.jp/cb'],
  jwks_uri: 'https://app.example.jp/jwks',
  scopes: ['openid', 'accounts'],
  account_types: ['ordinary'],
  legal: {
    name: { ja: '株式会社テスト', en: 'Test K.K.' },
    contact_url: 'https://app.example.jp/contact',
    privacy_policy_url: 'https://app.example.jp/privacy',
    ...legal,
  },
});

test.each(['関東財務局長（電代）第1号', '福岡財務支局長（電代）第23号', '沖縄総合事務局長（電代）第105号'])(
  'accepts %s',
  (number) => {
    expect(validate(partnerWith({ registration_number: number }))).toBe(true);
  },
);

test.each([
  '関東財務局長(電代)第1号', // half-width parentheses
  '関東財務局長（電代）第0号',
  '関東財務局長（電代）第１号', // full-width digit
  '東京財務局長（電代）第1号', // no such bureau
  '関東財務局長（登録）第1号',
  '第1号',
  '',
])('refuses %j', (number) => {
  expect(validate(partnerWith({ registration_number: number }))).toBe(false);
  expect(validate.errors?.[0]?.instancePath).toBe('/legal/registration_number');
});

test('refuses legal details without a contact or a privacy policy', () => {
  const { legal } = partnerWith({ registration_number: '関東財務局長（電代）第1号' });
  const { privacy_policy_url: _p, ...noPolicy } = legal;
  expect(validate({ ...partnerWith({}), legal: noPolicy })).toBe(false);
  expect(
    validate(partnerWith({ registration_number: '関東財務局長（電代）第1号', contact_phone: '03 1234 5678' })),
  ).toBe(false);
});
