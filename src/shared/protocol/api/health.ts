import { z } from 'zod';

/** GET /health: the process answers (liveness). Nothing about the data it serves. */
export const healthResponseSchema = z.object({ status: z.literal('ok') });
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** GET /ready: the database and the object store answer and the server is not shutting down (readiness). */
export const readyResponseSchema = z.object({
  status: z.literal('ready'),
  database: z.enum(['sqlite', 'postgres']),
  storage: z.enum(['disk', 's3']),
});
export type ReadyResponse = z.infer<typeof readyResponseSchema>;
