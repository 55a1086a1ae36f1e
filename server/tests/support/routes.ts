import type { FastifyInstance } from 'fastify';

/** One method on one path, in OpenAPI's spelling (`/api/v1/screenshots/{id}`). */
export interface RouteKey {
  readonly method: string;
  readonly path: string;
}

export const routeName = (r: RouteKey): string => `${r.method} ${r.path}`;

/**
 * Every route the server's router knows, read from fastify's own radix tree (printRoutes is its only
 * public listing): a node's path is its parent's plus its own label. Documented or not, a route added
 * without an OpenAPI entry shows up here too. Each route found is checked with hasRoute, so a change
 * in the printed format fails loudly instead of hiding routes.
 *
 *   └── / (GET)
 *       ├── api/v1/
 *       │   ├── contracts (GET)
 *       │   │   └── /
 *       │   │       └── :id
 */
export function routerRoutes(app: FastifyInstance): RouteKey[] {
  const routes: RouteKey[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (stack[depth - 1] ?? '') + (match[2] ?? '');
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) {
      routes.push({ method, path: path.replace(/:([A-Za-z_]\w*)/g, '{$1}') });
    }
  }
  for (const r of routes) {
    const url = r.path.replace(/\{(\w+)\}/g, ':$1');
    if (!app.hasRoute({ method: r.method as 'GET', url })) throw new Error(`route list misread: the router has no ${routeName(r)}`);
  }
  return routes;
}

/** The operations an OpenAPI document describes. */
export function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): RouteKey[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })));
}
