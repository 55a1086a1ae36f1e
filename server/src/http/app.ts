import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { PasswordHasher } from '../auth/passwords.js';
import type { ServerConfig } from '../config.js';
import { defaultClientDir } from '../dashboard/assets.js';
import { dashboardRoutes } from '../dashboard/routes.js';
import { PolicyEvents, relayPolicyEvents } from '../domain/policies.js';
import { schedulePurge } from '../domain/purge.js';
import { ContractUploadLimits } from '../domain/upload-limits.js';
import { ScreenshotObjects } from '../domain/screenshot-objects.js';
import { bearerAuthentication, installCallerSlot } from './authenticate.js';
import { noStoreUnlessSet } from './cache-control.js';
import { clientKey } from './client-address.js';
import type { RouteContext, ServerDeps } from './context.js';
import { dateFromClock } from './date-header.js';
import { Lifecycle } from './lifecycle.js';
import { limitRecordsFor } from './limit-records.js';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandling, refuseExpectation } from './errors.js';
import { capConnections, installBodyDeadlines, serverTimeouts } from './deadlines.js';
import { requestForLog } from './log-serializers.js';
import { PolicyStreams } from './policy-streams.js';
import { clockRateLimitStore } from './rate-limit-store.js';
import { refuseDuplicatedHeaders } from './request-guards.js';
import { SignInLimits } from './sign-in-limits.js';
import { accountRoutes } from './routes/accounts.js';
import { authRoutes } from './routes/auth.js';
import { contractLifecycleRoutes } from './routes/contract-lifecycle.js';
import { invitationRoutes } from './routes/invitations.js';
import { contractRoutes } from './routes/contracts.js';
import { healthRoutes } from './routes/health.js';
import { policyStreamRoutes } from './routes/policy-stream.js';
import { screenshotRemovalRoutes } from './routes/screenshot-removals.js';
import { screenshotRoutes } from './routes/screenshots.js';
import { segmentRoutes } from './routes/segments.js';
import { timesheetRoutes } from './routes/timesheets.js';
import { weekRoutes } from './routes/weeks.js';
import { disputeRoutes } from './routes/disputes.js';

export const API_PREFIX = '/api/v1';

declare module 'fastify' {
  interface FastifyInstance {
    /** The open policy streams (see policy-streams.ts). */
    readonly policyStreams: PolicyStreams;
    /** The password checks' queue (see auth/passwords.ts). */
    readonly passwords: PasswordHasher;
    /** Whether the server is shutting down (see lifecycle.ts). */
    readonly lifecycle: Lifecycle;
  }
}

/**
 * The application, without listening: the CLI, the tests and the benchmark each build one from a
 * configuration and the services they choose (clock, repositories, storage, logger). When the server is
 * ready, files left by uploads that never committed are swept and the retention purge runs, then on its
 * schedule; both stop when it closes.
 */
export async function buildServer(config: ServerConfig, deps: ServerDeps): Promise<FastifyInstance> {
  if (config.sseHeartbeatMs >= config.idleConnectionMs) {
    throw new Error(`sseHeartbeatMs (${config.sseHeartbeatMs}) must be shorter than idleConnectionMs (${config.idleConnectionMs}): idle policy streams would be cut`);
  }
  const app = Fastify({
    ...serverTimeouts(config),
    loggerInstance: deps.logger.child({ subsystem: 'http' }, { serializers: { req: requestForLog } }) as FastifyBaseLogger,
    bodyLimit: config.maxJsonBytes,
    // Ids never need more; longer path parameters are an attack or a bug.
    routerOptions: { maxParamLength: 128 },
    trustProxy: false,
    // No implicit HEAD twins: every route is one the authorization matrix test knows about.
    exposeHeadRoutes: false,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.server.on('checkExpectation', refuseExpectation);
  capConnections(app, config);
  installBodyDeadlines(app, config);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installCallerSlot(app);
  app.addHook('onRequest', refuseDuplicatedHeaders);
  app.addHook('onSend', dateFromClock(deps.clock));

  await app.register(swagger, {
    openapi: {
      info: { title: 'Worktrace work-diary server', version: '1.0.0', description: 'Contracts, screenshot policy, uploads and the work diary' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // Shared by every instance on PostgreSQL, so that limits hold whichever instance a guess reaches.
  const limitRecords = deps.limitRecords ?? limitRecordsFor(deps.repos, deps.clock);
  // Every limiter counts clients by clientKey (an IPv6 client by its /64).
  await app.register(rateLimit, { global: false, keyGenerator: clientKey, store: clockRateLimitStore(deps.clock, limitRecords) });

  const ctx: RouteContext = {
    config,
    clock: deps.clock,
    repos: deps.repos,
    objects: new ScreenshotObjects(deps.storage, deps.keys),
    logger: deps.logger.child({ subsystem: 'screenshots' }),
    limitRecords,
    lifecycle: deps.lifecycle ?? new Lifecycle(),
    policyEvents: deps.policyEvents ?? new PolicyEvents(),
    policyStreams: new PolicyStreams(config.policyStreamsPerAccount),
    passwords: new PasswordHasher(config.passwordHashing),
    uploadLimits: new ContractUploadLimits(deps.clock, config.contractUploadLimits, limitRecords),
    mailer: deps.mailer ?? null,
    signInLimits: new SignInLimits(deps.clock, config, limitRecords),
  };
  // Read-only for whoever holds the app (a test asks how many streams are open, how many password checks wait).
  app.decorate('policyStreams', { getter: () => ctx.policyStreams });
  app.decorate('passwords', { getter: () => ctx.passwords });
  app.decorate('lifecycle', { getter: () => ctx.lifecycle });

  await app.register(
    async (api) => {
      api.addHook('onSend', noStoreUnlessSet);
      api.get('/openapi.json', { schema: { hide: true } }, async () => api.swagger());
      await api.register(healthRoutes, ctx);
      await api.register(authRoutes, ctx);
      await api.register(accountRoutes, ctx);
      await api.register(invitationRoutes, ctx);
      await api.register(async (authed) => {
        authed.addHook('onRequest', bearerAuthentication(deps.repos, deps.clock));
        await authed.register(contractRoutes, ctx);
        await authed.register(contractLifecycleRoutes, ctx);
        await authed.register(policyStreamRoutes, ctx);
        await authed.register(segmentRoutes, ctx);
        await authed.register(screenshotRoutes, ctx);
        await authed.register(screenshotRemovalRoutes, ctx);
        await authed.register(weekRoutes, ctx);
        await authed.register(timesheetRoutes, ctx);
        await authed.register(disputeRoutes, ctx);
      });
    },
    { prefix: API_PREFIX },
  );
  // The client dashboard at `/`: public static files that use the API above like any client.
  await app.register(dashboardRoutes, { clientDir: defaultClientDir() });

  const purgeLogger = deps.logger.child({ subsystem: 'purge' });
  let purge: ReturnType<typeof schedulePurge> | undefined;
  let stopRelay: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    const notifications = deps.repos.notifications;
    if (notifications) stopRelay = await relayPolicyEvents(ctx.policyEvents, notifications, deps.repos);
    purge = schedulePurge(
      { repos: deps.repos, objects: ctx.objects, clock: deps.clock, logger: purgeLogger },
      { intervalMs: config.purgeIntervalMs, uncommittedFileGraceMs: config.uncommittedFileGraceMs },
    );
  });
  app.addHook('onClose', async () => {
    deps.mailer?.close();
    purge?.stop();
    await purge?.idle();
    await stopRelay?.();
  });
  return app;
}
