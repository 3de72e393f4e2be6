import type { Context } from 'koa';
import type { Partner } from '../partners/schema.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The demo partner's own page. It is the partner's app, not the bank's: plain, English and
 * Japanese side by side, deliberately not in the bank's look.
 */
export const renderDemoPage = (ctx: Context, data: { partners: Partner[]; tokenResponse?: Record<string, unknown>; error?: string }) => {
  const options = data.partners.map((p) => `<option value="${escape(p.client_id)}">${escape(p.name.ja)} / ${escape(p.name.en)}</option>`).join('');
  const result = data.tokenResponse
    ? `<section aria-labelledby="h-token"><h2 id="h-token">トークンレスポンス / Token response</h2><pre class="raw" id="token-response">${escape(JSON.stringify(data.tokenResponse, null, 2))}</pre></section>`
    : '';
  const error = data.error ? `<div class="alert" role="alert"><p>連携できませんでした / Not linked: <code id="demo-error">${escape(data.error)}</code></p></div>` : '';
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>デモ連携アプリ / Demo partner app</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main><h1>デモ連携アプリ / Demo partner app</h1>
<p>銀行と連携するフィンテックアプリの見本です。/ A sample fintech app that links to the bank.</p>
${error}
<form method="post" action="/demo/start" class="stack">
<div class="field"><label for="client_id">連携アプリ / Partner</label><select id="client_id" name="client_id">${options}</select></div>
<div class="field"><label for="ui_locales">画面の言語 / Language</label><select id="ui_locales" name="ui_locales"><option value="ja">日本語</option><option value="en">English</option></select></div>
<button type="submit" class="primary">銀行口座と連携する / Link a bank account</button>
</form>
${result}
</main></body></html>`;
};
