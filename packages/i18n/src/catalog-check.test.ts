import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { catalogs } from './catalogs.ts';
import { defaultLocale, intlLocale, supportedLocales } from './locales.ts';

const repository = fileURLToPath(new URL('../../../', import.meta.url));

/** Every TypeScript source of the services and packages, tests excepted: what ships is what must be translated. */
function sources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(path);
    }
  };
  for (const group of ['services', 'packages']) {
    for (const entry of readdirSync(join(repository, group), { withFileTypes: true })) {
      if (entry.isDirectory()) {
        try {
          walk(join(repository, group, entry.name, 'src'));
        } catch {
          // a package without src/
        }
      }
    }
  }
  return files;
}

/** Keys are string literals passed to `t(...)` or marked with `msgKey(...)`, so a plain scan finds them all. */
function usedKeys(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of sources()) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\b(?:t|msgKey)\(\s*'([\w.-]+)'/g)) {
      if (match[1] && !used.has(match[1])) used.set(match[1], relative(repository, file));
    }
  }
  return used;
}

/** The arguments a message takes, with their kind (`amount:argument`, `count:plural`, ...), nested ones included. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    switch (element.type) {
      case TYPE.argument:
        into.add(`${element.value}:argument`);
        break;
      case TYPE.number:
        into.add(`${element.value}:number`);
        break;
      case TYPE.date:
      case TYPE.time:
        into.add(`${element.value}:date`);
        break;
      case TYPE.plural:
      case TYPE.select:
        into.add(`${element.value}:${element.type === TYPE.plural ? 'plural' : 'select'}`);
        for (const option of Object.values(element.options)) argumentsOf(option.value, into);
        break;
      case TYPE.tag:
        into.add(`<${element.value}>`);
        argumentsOf(element.children, into);
        break;
      default:
        break;
    }
  }
  return into;
}

function pluralsOf(elements: MessageFormatElement[], into: { name: string; options: string[] }[] = []) {
  for (const element of elements) {
    if (element.type === TYPE.plural)
      into.push({ name: element.value, options: Object.keys(element.options) });
    if (element.type === TYPE.plural || element.type === TYPE.select)
      for (const option of Object.values(element.options)) pluralsOf(option.value, into);
  }
  return into;
}

function selectsOf(elements: MessageFormatElement[], into: string[] = []) {
  for (const element of elements) {
    if (element.type === TYPE.select)
      into.push(`${element.value}:${Object.keys(element.options).sort().join('|')}`);
    if (element.type === TYPE.plural || element.type === TYPE.select)
      for (const option of Object.values(element.options)) selectsOf(option.value, into);
  }
  return into.sort();
}

const used = usedKeys();
const english = catalogs[defaultLocale];

describe('message catalogs', () => {
  it('when the sources are scanned, then they use messages (the scan itself works)', () => {
    expect(used.size).toBeGreaterThan(100);
    expect(used.get('web.layout.title')).toMatch(/services\/web\/src\/pages\/html\.ts$/);
    expect(used.get('email.receipt.subject')).toMatch(/services\/donation\/src\/email\/receipt-mail\.ts$/);
  });

  it.each(supportedLocales)(
    'when the %s catalog is compared with the code, then it has every key the code uses and none it does not',
    (locale) => {
      const keys = new Set(Object.keys(catalogs[locale]));
      const missing = [...used.keys()]
        .filter((key) => !keys.has(key))
        .map((key) => `${key} (used in ${used.get(key)})`);
      const unused = [...keys].filter((key) => !used.has(key));
      expect({ missing, unused }).toEqual({ missing: [], unused: [] });
    },
  );

  it.each(supportedLocales)(
    'when every %s message is parsed, then it parses and takes exactly the arguments of the English one',
    (locale) => {
      const problems: string[] = [];
      for (const [key, message] of Object.entries(catalogs[locale])) {
        const reference = english[key as keyof typeof english];
        try {
          const elements = parse(message, { requiresOtherClause: true });
          if (reference === undefined) continue;
          const expected = [...argumentsOf(parse(reference))].sort();
          const actual = [...argumentsOf(elements)].sort();
          if (actual.join() !== expected.join())
            problems.push(`${key}: arguments ${actual.join(', ')} instead of ${expected.join(', ')}`);
          if (selectsOf(elements).join() !== selectsOf(parse(reference)).join())
            problems.push(`${key}: select options differ from English`);
        } catch (error) {
          problems.push(`${key}: does not parse (${(error as Error).message})`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each(supportedLocales)(
    'when a %s message has a plural, then it has every plural form the language has, and no other',
    (locale) => {
      const categories = new Intl.PluralRules(intlLocale(locale)).resolvedOptions()
        .pluralCategories as string[];
      const problems: string[] = [];
      for (const [key, message] of Object.entries(catalogs[locale])) {
        for (const plural of pluralsOf(parse(message))) {
          const lacking = categories.filter((category) => !plural.options.includes(category));
          const foreign = plural.options.filter(
            (option) => !categories.includes(option) && !/^=\d+$/.test(option),
          );
          if (lacking.length > 0 || foreign.length > 0)
            problems.push(
              `${key} {${plural.name}}: lacks ${lacking.join(', ') || 'nothing'}; has foreign ${foreign.join(', ') || 'nothing'}`,
            );
        }
      }
      expect(problems).toEqual([]);
    },
  );
});
