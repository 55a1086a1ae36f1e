import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../src/shared/clock.js';

/**
 * Whether this instance still takes new work. Shutting down behind a load balancer goes in three steps
 * (shutDownGracefully): readiness turns 503 and new policy streams are refused, so the balancer sends new requests
 * and reconnecting agents to the other instances; after `drainMs` (a few of the balancer's health checks) the open
 * policy streams are ended, so their agents reconnect at once, through the balancer, to an instance that stays;
 * then the server closes, finishing the requests in flight.
 */
export class Lifecycle {
  #draining = false;

  get draining(): boolean {
    return this.#draining;
  }

  startDraining(): void {
    this.#draining = true;
  }
}

export async function shutDownGracefully(app: FastifyInstance, lifecycle: Lifecycle, clock: Clock, drainMs: number): Promise<void> {
  lifecycle.startDraining();
  if (drainMs > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, drainMs));
  app.policyStreams.endAll();
  await app.close();
}
