import type { AdminMessageKey, AdminTranslate } from '../i18n/index.ts';
import type { FieldProblem } from '../operations/index.ts';
import type { Partner } from '../../partners/schema.ts';
import type { PartnerFieldsForm } from './forms.ts';

/**
 * The partner form: fields for the common settings of a partner file, the JWKS as JSON. What is
 * posted becomes a definition for the partner JSON Schema (ajv), and each problem the schema or
 * the save finds is worded in the staff member's language next to the field it concerns.
 */

export const TEXT_FIELDS = [
  'clientId',
  'nameJa',
  'nameEn',
  'legalNameJa',
  'legalNameEn',
  'registrationNumber',
  'contactUrl',
  'contactPhone',
  'privacyPolicyUrl',
  'redirectUris',
  'grantLifetimeDays',
  'eventEndpoint',
  'jwks',
  'jwksUri',
  'tokenEndpointAuthMethod',
  'tlsClientAuthSubjectDn',
  'profile',
] as const;
export const LIST_FIELDS = ['scopes', 'accountTypes'] as const;

type TextField = (typeof TEXT_FIELDS)[number];
type ListField = (typeof LIST_FIELDS)[number];
export type PartnerField = TextField | ListField;

/** The form's values as the page shows them: texts, and the chosen boxes. */
export type PartnerFormValues = Record<TextField, string> & Record<ListField, string[]>;

const LABEL: Record<PartnerField, AdminMessageKey> = {
  clientId: 'partnerForm.field.clientId',
  nameJa: 'partnerForm.field.nameJa',
  nameEn: 'partnerForm.field.nameEn',
  legalNameJa: 'partnerForm.field.legalNameJa',
  legalNameEn: 'partnerForm.field.legalNameEn',
  registrationNumber: 'partnerForm.field.registrationNumber',
  contactUrl: 'partnerForm.field.contactUrl',
  contactPhone: 'partnerForm.field.contactPhone',
  privacyPolicyUrl: 'partnerForm.field.privacyPolicyUrl',
  redirectUris: 'partnerForm.field.redirectUris',
  scopes: 'partnerForm.field.scopes',
  accountTypes: 'partnerForm.field.accountTypes',
  grantLifetimeDays: 'partnerForm.field.grantLifetimeDays',
  eventEndpoint: 'partnerForm.field.eventEndpoint',
  jwks: 'partnerForm.field.jwks',
  jwksUri: 'partnerForm.field.jwksUri',
  tokenEndpointAuthMethod: 'partnerForm.field.tokenEndpointAuthMethod',
  tlsClientAuthSubjectDn: 'partnerForm.field.tlsClientAuthSubjectDn',
  profile: 'partnerForm.field.profile',
};

export const labelKeyOf = (field: PartnerField): AdminMessageKey => LABEL[field];

/** Which field a JSON pointer into the definition belongs to (the longest match wins). */
const FIELD_AT: [string, PartnerField][] = [
  ['/client_id', 'clientId'],
  ['/name/ja', 'nameJa'],
  ['/name/en', 'nameEn'],
  ['/name', 'nameJa'],
  ['/legal/name/ja', 'legalNameJa'],
  ['/legal/name/en', 'legalNameEn'],
  ['/legal/name', 'legalNameJa'],
  ['/legal/registration_number', 'registrationNumber'],
  ['/legal/contact_url', 'contactUrl'],
  ['/legal/contact_phone', 'contactPhone'],
  ['/legal/privacy_policy_url', 'privacyPolicyUrl'],
  ['/legal', 'legalNameJa'],
  ['/redirect_uris', 'redirectUris'],
  ['/scopes', 'scopes'],
  ['/account_types', 'accountTypes'],
  ['/grant_lifetime_days', 'grantLifetimeDays'],
  ['/event_endpoint', 'eventEndpoint'],
  ['/jwks_uri', 'jwksUri'],
  ['/jwks', 'jwks'],
  ['/token_endpoint_auth_method', 'tokenEndpointAuthMethod'],
  ['/tls_client_auth_subject_dn', 'tlsClientAuthSubjectDn'],
  ['/profile', 'profile'],
];

const fieldAt = (pointer: string): PartnerField | undefined => {
  let best: [string, PartnerField] | undefined;
  for (const entry of FIELD_AT)
    if ((pointer === entry[0] || pointer.startsWith(`${entry[0]}/`)) && (!best || entry[0].length > best[0].length))
      best = entry;
  return best?.[1];
};

// The schema's cross-field rules (src/partners/schema.ts, allOf 0–2), each worded at one field.
const CROSS_FIELD: [string, PartnerField, AdminMessageKey][] = [
  ['#/allOf/0', 'jwksUri', 'partnerForm.error.keysBoth'],
  ['#/allOf/1', 'jwks', 'partnerForm.error.keysNeeded'],
  ['#/allOf/2', 'tlsClientAuthSubjectDn', 'partnerForm.error.subjectDn'],
];

const PATTERN_KEYS: Partial<Record<PartnerField, AdminMessageKey>> = {
  clientId: 'partnerForm.error.clientId',
  registrationNumber: 'partnerForm.error.registrationNumber',
  contactPhone: 'partnerForm.error.phone',
};

const RULE_KEYS: Record<string, AdminMessageKey> = {
  const: 'partnerForm.error.fixed',
  internal: 'partnerForm.error.internal',
  taken: 'partnerForm.error.taken',
  mtlsOff: 'partnerForm.error.mtlsOff',
  notJson: 'partnerForm.error.notJson',
};

/** What one problem says, and at which field (none: it is listed above the form only). */
const worded = (problem: FieldProblem, at: AdminTranslate): { field?: PartnerField; message: string } => {
  const missing = problem.keyword === 'required' ? problem.params.missingProperty : undefined;
  const pointer = typeof missing === 'string' ? `${problem.instancePath}/${missing}` : problem.instancePath;
  const cross = CROSS_FIELD.find(([path]) => problem.schemaPath === path || problem.schemaPath.startsWith(`${path}/`));
  const field = cross?.[1] ?? fieldAt(pointer);
  if (!field) return { message: at('partnerForm.error.other', { where: pointer || '/' }) };
  const label = at(LABEL[field]);
  const say = (key: AdminMessageKey, vars: Record<string, string | number> = {}) => ({
    field,
    message: at(key, { label, ...vars }),
  });
  if (cross) return say(cross[2]);
  if (RULE_KEYS[problem.keyword]) return say(RULE_KEYS[problem.keyword]);
  if (field === 'jwks' && pointer !== '/jwks') {
    if (problem.keyword === 'not') return say('partnerForm.error.privateKey');
    return say('partnerForm.error.jwk', { where: pointer.slice('/jwks/'.length) });
  }
  if (field === 'grantLifetimeDays') return say('partnerForm.error.days');
  switch (problem.keyword) {
    case 'required':
      return say('partnerForm.error.required');
    case 'minLength':
      return say('partnerForm.error.required');
    case 'minItems':
      return say(field === 'redirectUris' ? 'partnerForm.error.required' : 'partnerForm.error.chooseOne');
    case 'format':
      return say('partnerForm.error.url');
    case 'maxLength':
      return say('partnerForm.error.tooLong', { limit: String(problem.params.limit) });
    case 'uniqueItems':
      return say('partnerForm.error.duplicate');
    case 'enum':
      return say('partnerForm.error.notAllowed');
    case 'pattern':
      return say(PATTERN_KEYS[field] ?? 'partnerForm.error.invalid');
    default:
      return say('partnerForm.error.invalid');
  }
};

export interface PartnerFormErrors {
  /** Messages at each field, in the order found, each once. */
  fields: Partial<Record<PartnerField, string[]>>;
  /** Problems no field owns. */
  general: string[];
}

/** The problems worded for the page; a JWKS that is not JSON says only that. */
export const formErrorsOf = (problems: FieldProblem[], at: AdminTranslate): PartnerFormErrors => {
  const errors: PartnerFormErrors = { fields: {}, general: [] };
  const jwksNotJson = problems.some((p) => p.keyword === 'notJson' && p.instancePath === '/jwks');
  for (const problem of problems) {
    const { field, message } = worded(problem, at);
    if (!field) {
      if (!errors.general.includes(message)) errors.general.push(message);
      continue;
    }
    if (field === 'jwks' && jwksNotJson && problem.keyword !== 'notJson') continue;
    const list = (errors.fields[field] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return errors;
};

const EMPTY: PartnerFormValues = {
  clientId: '',
  nameJa: '',
  nameEn: '',
  legalNameJa: '',
  legalNameEn: '',
  registrationNumber: '',
  contactUrl: '',
  contactPhone: '',
  privacyPolicyUrl: '',
  redirectUris: '',
  grantLifetimeDays: '',
  eventEndpoint: '',
  jwks: '',
  jwksUri: '',
  tokenEndpointAuthMethod: 'private_key_jwt',
  tlsClientAuthSubjectDn: '',
  profile: 'fapi2',
  scopes: [],
  accountTypes: [],
};

/** A new partner's form: the usual scopes and account types already chosen. */
export const newPartnerValues = (scopes: readonly string[], accountTypes: readonly string[]): PartnerFormValues => ({
  ...EMPTY,
  scopes: [...scopes],
  accountTypes: [...accountTypes],
});

/** The form of an existing partner. */
export const valuesOfPartner = (partner: Partner): PartnerFormValues => ({
  ...EMPTY,
  clientId: partner.client_id,
  nameJa: partner.name.ja,
  nameEn: partner.name.en,
  legalNameJa: partner.legal?.name.ja ?? '',
  legalNameEn: partner.legal?.name.en ?? '',
  registrationNumber: partner.legal?.registration_number ?? '',
  contactUrl: partner.legal?.contact_url ?? '',
  contactPhone: partner.legal?.contact_phone ?? '',
  privacyPolicyUrl: partner.legal?.privacy_policy_url ?? '',
  redirectUris: partner.redirect_uris.join('\n'),
  scopes: [...partner.scopes],
  accountTypes: [...partner.account_types],
  grantLifetimeDays: partner.grant_lifetime_days === undefined ? '' : String(partner.grant_lifetime_days),
  eventEndpoint: partner.event_endpoint ?? '',
  jwks: partner.jwks ? JSON.stringify(partner.jwks, null, 2) : '',
  jwksUri: partner.jwks_uri ?? '',
  tokenEndpointAuthMethod: partner.token_endpoint_auth_method,
  tlsClientAuthSubjectDn: partner.tls_client_auth_subject_dn ?? '',
  profile: partner.profile,
});

/** The form as posted (empty fields are absent), as the page shows it again. */
export const valuesOfForm = (form: PartnerFieldsForm): PartnerFormValues => {
  const values: PartnerFormValues = { ...EMPTY, scopes: form.scopes ?? [], accountTypes: form.accountTypes ?? [] };
  for (const field of TEXT_FIELDS) values[field] = form[field] ?? '';
  // A select left on nothing falls back to the schema's default, as the file would.
  values.tokenEndpointAuthMethod ||= 'private_key_jwt';
  values.profile ||= 'fapi2';
  return values;
};

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/**
 * The definition the values describe, for the partner schema to judge; what the schema cannot see
 * (a JWKS that is not JSON) is a problem of its own. `base` is the partner being edited: its
 * status and comment stay as they are (suspending is its own action).
 */
export const definitionOf = (
  values: PartnerFormValues,
  clientId: string,
  base?: Partner,
): { definition: Record<string, unknown>; problems: FieldProblem[] } => {
  const problems: FieldProblem[] = [];
  let jwks: unknown;
  if (values.jwks.trim() !== '') {
    try {
      jwks = JSON.parse(values.jwks);
    } catch {
      problems.push({ instancePath: '/jwks', schemaPath: '', keyword: 'notJson', params: {} });
    }
  }
  const days = values.grantLifetimeDays.trim();
  const legalGiven = [
    values.legalNameJa,
    values.legalNameEn,
    values.registrationNumber,
    values.contactUrl,
    values.contactPhone,
    values.privacyPolicyUrl,
  ].some((v) => v.trim() !== '');
  const legal = legalGiven
    ? {
        ...(values.legalNameJa || values.legalNameEn
          ? { name: { ja: values.legalNameJa.trim(), en: values.legalNameEn.trim() } }
          : {}),
        ...(values.registrationNumber.trim() ? { registration_number: values.registrationNumber.trim() } : {}),
        ...(values.contactUrl.trim() ? { contact_url: values.contactUrl.trim() } : {}),
        ...(values.contactPhone.trim() ? { contact_phone: values.contactPhone.trim() } : {}),
        ...(values.privacyPolicyUrl.trim() ? { privacy_policy_url: values.privacyPolicyUrl.trim() } : {}),
      }
    : undefined;
  const definition: Record<string, unknown> = {
    ...(base?.$comment !== undefined ? { $comment: base.$comment } : {}),
    client_id: clientId,
    name: { ja: values.nameJa.trim(), en: values.nameEn.trim() },
    redirect_uris: lines(values.redirectUris),
    ...(jwks !== undefined ? { jwks } : {}),
    ...(values.jwksUri.trim() ? { jwks_uri: values.jwksUri.trim() } : {}),
    token_endpoint_auth_method: values.tokenEndpointAuthMethod,
    ...(values.tlsClientAuthSubjectDn.trim()
      ? { tls_client_auth_subject_dn: values.tlsClientAuthSubjectDn.trim() }
      : {}),
    scopes: values.scopes,
    account_types: values.accountTypes,
    status: base?.status ?? 'active',
    // Not a whole number: left as text, for the schema to refuse at the field.
    ...(days ? { grant_lifetime_days: /^[0-9]{1,6}$/.test(days) ? Number(days) : days } : {}),
    profile: values.profile,
    ...(values.eventEndpoint.trim() ? { event_endpoint: values.eventEndpoint.trim() } : {}),
    ...(legal ? { legal } : {}),
  };
  return { definition, problems };
};
