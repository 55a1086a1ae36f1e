import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { readClientModule } from './assets.js';
import { DASHBOARD_CSP, DASHBOARD_HTML, DASHBOARD_ICON_SVG } from './page.js';
import { DASHBOARD_CSS } from './styles.js';

export interface DashboardOptions {
  /** Compiled client modules (see defaultClientDir). */
  readonly clientDir: string;
}

function secured(reply: FastifyReply, contentType: string): FastifyReply {
  return reply
    .header('content-type', contentType)
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    // The page and modules hold no data, but a fresh build must reach the browser at once.
    .header('cache-control', 'no-cache');
}

/**
 * The client dashboard: `/` (the page), `/dashboard/app.css` and `/dashboard/<module>.js`. These
 * routes are public and carry no data; the page signs in through /api/v1 like any other client.
 * Hidden from the OpenAPI document, which describes the API only.
 */
export const dashboardRoutes: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => secured(reply, 'text/html; charset=utf-8').send(DASHBOARD_HTML));

  app.get('/dashboard/app.css', { schema: { hide: true } }, async (_request, reply) => secured(reply, 'text/css; charset=utf-8').send(DASHBOARD_CSS));

  app.get('/dashboard/icon.svg', { schema: { hide: true } }, async (_request, reply) => secured(reply, 'image/svg+xml').send(DASHBOARD_ICON_SVG));

  app.get('/dashboard/*', { schema: { hide: true } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const source = readClientModule(options.clientDir, name);
    if (!source) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no dashboard module ${name} (is the dashboard built? npm run build)` } });
    }
    return secured(reply, 'text/javascript; charset=utf-8').send(source);
  });
};
