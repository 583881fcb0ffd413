import ar from './catalogs/ar.json' with { type: 'json' };
import en from './catalogs/en.json' with { type: 'json' };
import es from './catalogs/es.json' with { type: 'json' };
import fr from './catalogs/fr.json' with { type: 'json' };
import ht from './catalogs/ht.json' with { type: 'json' };
import so from './catalogs/so.json' with { type: 'json' };
import uk from './catalogs/uk.json' with { type: 'json' };
import ur from './catalogs/ur.json' with { type: 'json' };
import type { Locale } from './locales.ts';

/** A message's key; English defines them, so a key no catalog has does not typecheck. */
export type MessageKey = keyof typeof en;

export type Catalog = Readonly<Partial<Record<MessageKey, string>>>;

/** One JSON catalog per language, ICU MessageFormat messages keyed alike. */
export const catalogs: Readonly<Record<Locale, Catalog>> = { en, fr, ar, ur, so, es, uk, ht };

/**
 * Marks a string as a message key where it is not passed to `t` directly (a table of codes to keys), so the
 * catalog check finds every key in the source; it only returns its argument.
 */
export function msgKey<K extends MessageKey>(key: K): K {
  return key;
}
