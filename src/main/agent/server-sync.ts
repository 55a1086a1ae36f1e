import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../log.js';
import { ApiClient, CredentialsStore, ServerPolicySource, SyncError, Uploader, checkServerUrl, type Credentials } from '../sync/index.js';
import type { AgentBase } from './create-agent.js';

/**
 * Server mode's part of the composition root: the signed-in client, and from it the uploader and (when tracking)
 * the contract's policy source. The CLI and, later, the Electron shell build these here and nowhere else.
 */
export interface SyncServices {
  readonly credentials: Credentials;
  readonly client: ApiClient;
  readonly uploader: Uploader;
}

export interface SyncServicesOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Local screenshot quota in bytes (default 500 MB). */
  readonly quotaBytes?: number;
}

/** Throws SyncError NOT_SIGNED_IN when there are no credentials in the data directory. */
export function createSyncServices(base: AgentBase, options: SyncServicesOptions): SyncServices {
  const credentials = new CredentialsStore(base.dataDir).require();
  if (Date.parse(credentials.expiresAt) <= options.clock.now()) {
    throw new SyncError('SIGN_IN_AGAIN', `Your sign-in to ${credentials.server} has expired: run \`worktrace login\` again.`);
  }
  const server = checkServerUrl(credentials.server);
  const client = new ApiClient({ serverUrl: server, token: credentials.token });
  const uploader = new Uploader(
    { client, store: base.store, keys: base.keys, clock: options.clock, logger: options.logger, account: { ...credentials, server } },
    options.quotaBytes === undefined ? {} : { quotaBytes: options.quotaBytes },
  );
  return { credentials, client, uploader };
}

export function createPolicySource(base: AgentBase, services: SyncServices, options: { clock: Clock; logger: Logger; contractId: string }): ServerPolicySource {
  return new ServerPolicySource({
    client: services.client,
    cache: base.store.policies,
    clock: options.clock,
    logger: options.logger,
    contractId: options.contractId,
  });
}
