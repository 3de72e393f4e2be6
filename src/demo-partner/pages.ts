import type { Context } from 'koa';
import type { Partner } from '../partners/schema.ts';
import type { DemoData } from './data.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The demo partner's own page. It is the partner's app, not the bank's: plain, English and
 * Japanese side by side, deliberately not in the bank's look.
 */
const yen = (amount: unknown) => (typeof amount === 'string' ? `${Number(amount).toLocaleString('ja-JP')} 円` : '');

const table = (id: string, caption: string, head: string[], rows: string[][]) =>
  `<table id="${id}"><caption>${escape(caption)}</caption>` +
  `<thead><tr>${head.map((h) => `<th scope="col">${escape(h)}</th>`).join('')}</tr></thead>` +
  `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

/* eslint-disable @typescript-eslint/no-explicit-any -- the data API's JSON, shown as it comes */
const renderData = (data: DemoData) => {
  const parts: string[] = [
    '<section aria-labelledby="h-data"><h2 id="h-data">銀行から取得したデータ / Data from the bank</h2>',
  ];
  for (const [path, code] of Object.entries(data.errors))
    parts.push(`<p class="note">${escape(path)}: <code>${escape(code)}</code></p>`);
  if (data.accounts) {
    parts.push(
      table(
        'accounts',
        `口座 / Accounts (${data.accounts.baseDate} ${data.accounts.baseTime})`,
        ['種目', '店番', '口座番号', '名義'],
        data.accounts.accounts.map((a: any) => [
          a.accountTypeName,
          `${a.branchCode} ${a.branchName}`,
          a.accountNumber,
          a.accountName,
        ]),
      ),
    );
  }
  const names = new Map<string, string>(
    (data.accounts?.accounts ?? []).map((a: any) => [a.accountId, `${a.accountTypeName} ${a.accountNumber}`]),
  );
  if (data.balances) {
    parts.push(
      table(
        'balances',
        `残高 / Balances (${data.balances.baseDate} ${data.balances.baseTime})`,
        ['口座', '残高', '支払可能額', '前日残高'],
        data.balances.balances.map((b: any) => [
          names.get(b.accountId) ?? b.accountId,
          yen(b.balance),
          yen(b.withdrawableAmount),
          yen(b.previousDayBalance),
        ]),
      ),
    );
  }
  if (data.transactions) {
    const t = data.transactions;
    parts.push(
      table(
        'transactions',
        `入出金明細 / Transactions: ${names.get(t.accountId) ?? t.accountId} (${t.dateFrom} – ${t.dateTo})`,
        ['日付', '区分', '金額', '摘要', '残高'],
        t.transactions.map((x: any) => [
          x.transactionDate,
          x.transactionTypeName,
          yen(x.amount),
          x.remarks ?? '',
          yen(x.balance),
        ]),
      ),
    );
    if (t.hasNext)
      parts.push(
        `<p><a id="next-page" href="/demo/result?account=${encodeURIComponent(t.accountId)}` +
          `&amp;next=${encodeURIComponent(t.nextItemKey)}">次のページ / Next page</a></p>`,
      );
    const others = (data.balances?.balances ?? []).filter((b: any) => b.accountId !== t.accountId);
    if (others.length)
      parts.push(
        `<p>${others
          .map(
            (b: any) =>
              `<a href="/demo/result?account=${encodeURIComponent(b.accountId)}">` +
              `${escape(names.get(b.accountId) ?? b.accountId)}</a>`,
          )
          .join(' | ')}</p>`,
      );
  }
  if (data.timeDeposits) {
    parts.push(
      table(
        'time-deposits',
        `定期預金 / Time deposits (${data.timeDeposits.baseDate} ${data.timeDeposits.baseTime})`,
        ['番号', '預入日', '満期日', '元金', '金利', '継続'],
        data.timeDeposits.timeDeposits.map((d: any) => [
          d.depositNumber,
          d.depositDate,
          d.maturityDate,
          yen(d.principal),
          `${d.interestRate}%`,
          d.renewalTypeName,
        ]),
      ),
    );
  }
  parts.push(
    '<h3>curl</h3><p>Each command carries a fresh DPoP proof: it works once, within a minute. / ' +
      '各コマンドは1回限り・1分以内有効です。</p>',
  );
  parts.push(`<pre class="raw" id="curl">${data.curl.map(escape).join('\n\n')}</pre>`);
  parts.push('</section>');
  return parts.join('\n');
};

/** The partner the README walks a newcomer through: preselected so the page matches it. */
const README_PARTNER = 'demo-kakeibo';

export const renderDemoPage = (
  ctx: Context,
  data: { partners: Partner[]; tokenResponse?: Record<string, unknown>; error?: string; data?: DemoData },
) => {
  const options = data.partners
    .map(
      (p) =>
        `<option value="${escape(p.client_id)}"${p.client_id === README_PARTNER ? ' selected' : ''}>` +
        `${escape(p.name.ja)} / ${escape(p.name.en)}</option>`,
    )
    .join('');
  const result = data.tokenResponse
    ? `<section aria-labelledby="h-token"><h2 id="h-token">トークンレスポンス / Token response</h2>` +
      `<pre class="raw" id="token-response">${escape(JSON.stringify(data.tokenResponse, null, 2))}</pre></section>`
    : '';
  const error = data.error
    ? `<div class="alert" role="alert">` +
      `<p>連携できませんでした / Not linked: <code id="demo-error">${escape(data.error)}</code></p></div>`
    : '';
  ctx.type = 'text/html; charset=utf-8';
  ctx.body =
    `<!doctype html><html lang="ja"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>デモ連携アプリ / Demo partner app</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main><h1>デモ連携アプリ / Demo partner app</h1>
<p>銀行と連携するフィンテックアプリの見本です。/ A sample fintech app that links to the bank.</p>
${error}
<form method="post" action="/demo/start" class="stack">
<div class="field"><label for="client_id">連携アプリ / Partner</label>` +
    `<select id="client_id" name="client_id">${options}</select></div>
<div class="field"><label for="ui_locales">画面の言語 / Language</label>` +
    `<select id="ui_locales" name="ui_locales"><option value="ja">日本語</option><option value="en">English</option>` +
    `</select></div>
<button type="submit" class="primary">銀行口座と連携する / Link a bank account</button>
</form>
${data.data ? renderData(data.data) : ''}
${result}
</main></body></html>`;
};
