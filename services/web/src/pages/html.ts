import { formatMoney } from '@aid/money';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML; every value from the ledger passes through it. */
export function esc(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => escapes[char] ?? char);
}

/** A ledger field shown as text: strings and numbers as they are, anything else as nothing. */
export function field(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? esc(value) : '';
}

export function moneyText(amount: number, currency: string | null): string {
  return currency ? formatMoney({ amount, currency }) : String(amount);
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

const regions = new Intl.DisplayNames(['en'], { type: 'region' });

/** An ISO 3166 country code as its English name, or the code itself when it is not one. */
export function countryName(code: string): string {
  try {
    return regions.of(code) ?? code;
  } catch {
    return code;
  }
}

/** A module script of this site; page data goes in JSON script tags, since the CSP forbids inline scripts. */
export function moduleScript(name: string): string {
  return `<script type="module" src="/static/js/${esc(name)}.js"></script>`;
}

/** JSON for a `<script type="application/json">`: `<` is escaped so no value can close the tag. */
export function jsonScript(id: string, value: unknown): string {
  return `<script type="application/json" id="${esc(id)}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;
}

export function layout(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Diaspora Aid</title>
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="data:,">
${head}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><a href="/" class="brand">Diaspora Aid</a><nav aria-label="Main"><a href="/">Campaigns</a><a href="/trace">Trace my gift</a></nav></header>
<main id="main">${body}</main>
<footer class="site"><p>Every figure on this site comes from the public ledger, which anyone can read and check: <a href="/about-the-ledger">how it works</a>.</p><p><a href="/record-checks">Does the money add up?</a> The rules checked on the public record every minute.</p></footer>
</body>
</html>`;
}
