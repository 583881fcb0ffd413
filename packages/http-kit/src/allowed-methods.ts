import type { Route } from './routes.ts';

/**
 * The methods served on a request path, or undefined when no route has that path. Express matches paths
 * case-insensitively and with or without a trailing slash, and so does this. HEAD comes with GET and OPTIONS with
 * every path, as Express answers both on its own.
 */
export function allowedMethodsOf(routes: readonly Route[]): (path: string) => string[] | undefined {
  const byPath = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const route of routes) {
    const known = byPath.get(route.path) ?? { pattern: pathPattern(route.path), methods: new Set<string>() };
    known.methods.add(route.method.toUpperCase());
    if (route.method === 'get') known.methods.add('HEAD');
    byPath.set(route.path, known);
  }
  return (path) => {
    const methods = new Set<string>();
    for (const known of byPath.values())
      if (known.pattern.test(path)) for (const method of known.methods) methods.add(method);
    return methods.size === 0 ? undefined : [...methods, 'OPTIONS'];
  };
}

function pathPattern(expressPath: string): RegExp {
  const segments = expressPath
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}/?$`, 'i');
}
