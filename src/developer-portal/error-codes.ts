/**
 * Every error code a partner can meet, with its HTTP status, where it comes from and what to do.
 * The portal shows this table; a test holds it to the OpenAPI documents' codes.
 */
export interface ErrorCodeRow {
  code: string;
  status: string;
  where: 'data' | 'grants' | 'oauth' | 'redirect';
  ja: string;
  en: string;
}

export const ERROR_CODES: ErrorCodeRow[] = [
  {
    code: 'unauthorized',
    status: '401',
    where: 'data',
    ja: 'アクセストークンがありません。',
    en: 'No credentials were sent.',
  },
  {
    code: 'invalid_request',
    status: '400 / 401',
    where: 'data',
    ja: 'Authorization ヘッダーの形式が誤っています。',
    en: 'A malformed Authorization header.',
  },
  {
    code: 'invalid_token',
    status: '401',
    where: 'data',
    ja: 'トークンが無効です（期限切れ、取消済み、別の API 向け、連携終了、事業者の停止、DPoP 鍵・証明書の不一致）。再認可が必要です。',
    en:
      'The token is unknown, expired, revoked, for another API, its linkage ended, the partner is suspended, ' +
      'or the proof key or certificate does not match: authorize again.',
  },
  {
    code: 'invalid_dpop_proof',
    status: '401',
    where: 'data',
    ja: 'DPoP proof が無い・不正・別の URL やメソッド向け・古い・再利用・別トークン向けです。リクエストごとに新しい proof を作ってください。',
    en:
      'The DPoP proof is missing, malformed, for another URL or method, stale, replayed or for another token: ' +
      'make a fresh proof per request.',
  },
  {
    code: 'use_dpop_nonce',
    status: '401',
    where: 'data',
    ja: 'DPoP-Nonce ヘッダーの値を proof の nonce に入れて再送してください。',
    en: "Retry with the DPoP-Nonce header's value as the proof's nonce.",
  },
  {
    code: 'insufficient_scope',
    status: '403',
    where: 'data',
    ja: 'お客さまがこの情報の提供に同意していません（スコープ不足）。',
    en: 'The customer did not agree to this category (scope).',
  },
  {
    code: 'account_not_found',
    status: '404',
    where: 'data',
    ja: 'お客さまが連携した口座の中にありません。',
    en: 'No such account among those the customer linked.',
  },
  {
    code: 'account_type_not_supported',
    status: '400',
    where: 'data',
    ja: 'その口座にはこの種類の情報がありません。',
    en: 'The account has no data of this kind.',
  },
  {
    code: 'invalid_date',
    status: '400',
    where: 'data',
    ja: '日付の形式が誤っています（YYYY-MM-DD）。',
    en: 'A date is not YYYY-MM-DD.',
  },
  {
    code: 'invalid_date_range',
    status: '400',
    where: 'data',
    ja: '期間の指定が誤っています（dateTo だけ、または dateFrom が dateTo より後）。',
    en: 'The period is wrong (dateTo alone, or dateFrom after dateTo).',
  },
  {
    code: 'out_of_history_range',
    status: '400',
    where: 'data',
    ja: '銀行が定める照会可能期間より前です。',
    en: 'Before the history window the bank keeps.',
  },
  {
    code: 'invalid_next_item_key',
    status: '400',
    where: 'data',
    ja: 'nextItemKey がこの照会のために発行したものではありません。',
    en: 'nextItemKey was not issued for this query.',
  },
  {
    code: 'service_closed',
    status: '503',
    where: 'data',
    ja: 'サービス時間外です。Retry-After と GET /api/v1/service-status を参照してください。',
    en: 'Outside service hours: see Retry-After and GET /api/v1/service-status.',
  },
  {
    code: 'temporarily_unavailable',
    status: '503',
    where: 'data',
    ja: '銀行が利用を制限しています（規定 7.3）。errorMessage は銀行からのお知らせです。',
    en: "The bank restricted the service (terms 7.3); errorMessage is the bank's message.",
  },
  {
    code: 'service_unavailable',
    status: '503',
    where: 'data',
    ja: '一時的な障害です。Retry-After の後に再試行してください。',
    en: 'A passing outage: retry after Retry-After.',
  },
  {
    code: 'server_error',
    status: '500',
    where: 'data',
    ja: '予期しないエラーです。X-Request-Id を添えてお問い合わせください。',
    en: 'Unexpected: contact the bank quoting X-Request-Id.',
  },
  {
    code: 'grant_not_found',
    status: '404',
    where: 'grants',
    ja: 'その連携はありません（終了、期限切れ、不明、他事業者のもの）。',
    en: "No such linkage of yours (ended, expired, unknown or another partner's).",
  },
  {
    code: 'invalid_client',
    status: '401',
    where: 'oauth',
    ja: 'クライアント認証に失敗しました（client assertion の鍵・aud・有効期限、または証明書）。',
    en: "Client authentication failed (the assertion's key, aud or lifetime, or the certificate).",
  },
  {
    code: 'invalid_grant',
    status: '400',
    where: 'oauth',
    ja: '認可コード・リフレッシュトークンが無効です。error_description の理由を確認し、必要なら再認可してください。',
    en: 'The code or refresh token is not valid: read error_description; authorize again if it says so.',
  },
  {
    code: 'invalid_dpop_proof',
    status: '400',
    where: 'oauth',
    ja: 'トークンエンドポイントへの DPoP proof が不正です。',
    en: 'The DPoP proof sent to the token endpoint is not valid.',
  },
  {
    code: 'use_dpop_nonce',
    status: '400',
    where: 'oauth',
    ja: 'DPoP-Nonce の値を入れた proof で再送してください。',
    en: 'Retry with the DPoP-Nonce value in the proof.',
  },
  {
    code: 'invalid_request',
    status: '400',
    where: 'oauth',
    ja: 'パラメータが不足・重複・不正です。',
    en: 'A parameter is missing, repeated or malformed.',
  },
  {
    code: 'invalid_request_uri',
    status: '400',
    where: 'oauth',
    ja: 'request_uri が不明・期限切れ・使用済みです。PAR からやり直してください。',
    en: 'The request_uri is unknown, expired or used: push the request again.',
  },
  {
    code: 'invalid_scope',
    status: '400',
    where: 'oauth',
    ja: 'この事業者に許可されていないスコープです。',
    en: 'A scope this partner is not allowed.',
  },
  {
    code: 'invalid_redirect_uri',
    status: '400',
    where: 'oauth',
    ja: '登録されたリダイレクト URI と完全一致しません。',
    en: 'The redirect URI is not exactly a registered one.',
  },
  {
    code: 'unauthorized_client',
    status: '400',
    where: 'oauth',
    ja: 'この事業者には許可されていないグラントタイプです。',
    en: 'A grant type this partner may not use.',
  },
  {
    code: 'unsupported_grant_type',
    status: '400',
    where: 'oauth',
    ja: 'サポートしていないグラントタイプです。',
    en: 'An unsupported grant type.',
  },
  {
    code: 'temporarily_unavailable',
    status: '503',
    where: 'oauth',
    ja: 'サービス時間外・制限中・一時的な障害です。',
    en: 'Outside hours, restricted, or a passing outage.',
  },
  {
    code: 'access_denied',
    status: '302',
    where: 'redirect',
    ja: 'お客さまが同意しなかった、または本人確認を完了しませんでした（リダイレクト URI への応答）。',
    en: 'The customer declined, or did not complete the identity check (at the redirect URI).',
  },
  {
    code: 'login_required',
    status: '302',
    where: 'redirect',
    ja: 'prompt=none では本人確認が必要なため応答できません。',
    en: 'prompt=none cannot be answered: an identity check is needed.',
  },
  {
    code: 'temporarily_unavailable',
    status: '302',
    where: 'redirect',
    ja: 'API連携認証がサービス時間外か制限中です（お客さまには再開時刻を表示済み）。',
    en: 'Linkage authorization is closed or restricted (the customer was shown when it opens).',
  },
];
