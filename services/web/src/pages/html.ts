import { endonyms, supportedLocales } from '@aid/i18n';
import type { PageContext } from './page-context.ts';

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML. Templates call it for every value; pages never need to. */
export function esc(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => escapes[char] ?? char);
}

/** Markup that is already safe: made by `html`, never from a string a page received. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return esc(value as string | number);
}

/**
 * The page template tag: every interpolated value is escaped (ledger data and translated messages alike)
 * unless it is markup this tag made; arrays are joined, and null, undefined and false render as nothing.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * A translated message whose arguments include markup (a link, a `<time>`): `message` gets a placeholder for each
 * piece of markup, its text is escaped, and the markup is put back in place of each placeholder.
 */
export function withMarkup(
  message: (slots: Record<string, string>) => string,
  markup: Record<string, SafeHtml>,
): SafeHtml {
  const names = Object.keys(markup);
  const slots = Object.fromEntries(names.map((name, index) => [name, `\uE000${index}\uE001`]));
  const parts = message(slots).split(/\uE000(\d+)\uE001/);
  return new SafeHtml(
    parts
      .map((part, index) => (index % 2 === 0 ? esc(part) : (markup[names[Number(part)] ?? '']?.value ?? '')))
      .join(''),
  );
}

/** A ledger field shown as text: strings and numbers as they are, anything else as nothing. */
export function field(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** A module script of this site; page data goes in JSON script tags, since the CSP forbids inline scripts. */
export function moduleScript(name: string): SafeHtml {
  return html`<script type="module" src="/static/js/${name}.js"></script>`;
}

/** JSON for a `<script type="application/json">`: `<` is escaped so no value can close the tag. */
export function jsonScript(id: string, value: unknown): SafeHtml {
  return new SafeHtml(
    `<script type="application/json" id="${esc(id)}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`,
  );
}

/** Links to this same page in every language; plain links, so the picker works without JavaScript. */
export function languagePicker(page: PageContext): SafeHtml {
  const links = supportedLocales.map((locale) =>
    locale === page.locale
      ? html`<a href="${page.hrefIn(locale)}" hreflang="${locale}" lang="${locale}" aria-current="true">${endonyms[locale]}</a>`
      : html`<a href="${page.hrefIn(locale)}" hreflang="${locale}" lang="${locale}">${endonyms[locale]}</a>`,
  );
  return html`<nav class="languages" aria-label="${page.t('web.layout.languages')}">${links}</nav>`;
}

export function layout(
  page: PageContext,
  title: string,
  body: SafeHtml,
  head: SafeHtml | string = '',
): string {
  const { t } = page;
  return html`<!doctype html>
<html lang="${page.locale}" dir="${page.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('web.layout.title', { page: title })}</title>
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="data:,">
${head}</head>
<body>
<a class="skip" href="#main">${t('web.layout.skip')}</a>
<header class="site"><a href="/" class="brand">${t('web.layout.brand')}</a><nav aria-label="${t('web.layout.mainNav')}" class="main-nav"><a href="/">${t('web.layout.navCampaigns')}</a><a href="/trace">${t('web.layout.navTrace')}</a></nav>${languagePicker(page)}</header>
<main id="main">${body}</main>
<footer class="site"><p>${t('web.layout.footer')} <a href="/about-the-ledger">${t('web.layout.footerLink')}</a></p><p><a href="/record-checks">${t('web.layout.footerChecksLink')}</a> ${t('web.layout.footerChecks')}</p><p><a href="/apply">${t('web.apply.footerLink')}</a></p></footer>
</body>
</html>`.value;
}
