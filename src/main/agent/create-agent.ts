import { randomInt } from 'node:crypto';
import { ulid } from 'ulid';
import type { Clock } from '../../shared/clock.js';
import { FileKeyStore, type KeyStore } from '../crypto/index.js';
import type { Logger } from '../log.js';
import { privateTrackingParts } from '../privacy/index.js';
import { createSensors, systemSensorEnvironment, type Sensors } from '../sensors/index.js';
import { databasePath, openStore, type SqliteDriver, type Store } from '../store/index.js';
import { Tracker, type IdleDecider, type PolicySource } from '../tracking/index.js';
import { nativeBackends } from './native-backends.js';

/**
 * The composition root of the headless agent: the one place that builds the services and wires them.
 * Everything below it takes what it needs as constructor arguments.
 */
export interface AgentBase {
  readonly dataDir: string;
  readonly store: Store;
  readonly keys: KeyStore;
  close(): void;
}

/**
 * Opens the data directory's store and key. Store errors (missing directory, foreign file, ...) propagate.
 * `driver`: better-sqlite3 unless said (node:sqlite where no better-sqlite3 binary loads: store/sqlite/node-sqlite.ts).
 */
export function openAgentBase(options: { dataDir: string; clock: Clock; mode: 'local' | 'server'; driver?: SqliteDriver }): AgentBase {
  const store = openStore({ file: databasePath(options.dataDir), clock: options.clock, mode: options.mode, driver: options.driver });
  return {
    dataDir: options.dataDir,
    store,
    keys: new FileKeyStore(options.dataDir),
    close: () => store.close(),
  };
}

export interface TrackingAgentOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly contractId: string;
  readonly memo: string | null;
  readonly policy: PolicySource;
  readonly decideIdle: IdleDecider;
  readonly idleThresholdMs: number;
}

export interface TrackingAgent {
  readonly tracker: Tracker;
  readonly sensors: Sensors;
  /** Stops tracking (flushing the current minute), the sensors, then closes the native connection. */
  stop(): Promise<void>;
}

/** Crypto-quality randomness for the screenshot moment: the freelancer must not be able to predict it. */
const secureRandom = (): number => randomInt(0, 2 ** 47) / 2 ** 47; // randomInt allows ranges below 2^48

export function createTrackingAgent(base: AgentBase, options: TrackingAgentOptions): TrackingAgent {
  const native = nativeBackends(options.logger);
  const sensors = createSensors(systemSensorEnvironment(), { logger: options.logger, native: native.factories });
  // Private windows: painted out of screenshots (or the screenshot skipped), recorded as "Private".
  const privacy = privateTrackingParts({ store: base.store, keys: base.keys, sensors, policy: options.policy, newId: ulid, logger: options.logger });
  const tracker = new Tracker(
    {
      clock: options.clock,
      input: sensors.input,
      window: privacy.window,
      sink: base.store.segments,
      screenshots: privacy.screenshots,
      policy: options.policy,
      decideIdle: options.decideIdle,
      random: secureRandom,
      newId: ulid,
    },
    { contractId: options.contractId, memo: options.memo, idleThresholdMs: options.idleThresholdMs },
  );
  let stopping: Promise<void> | null = null;
  return {
    tracker,
    sensors,
    stop() {
      stopping ??= (async () => {
        // Input first: stopping it reads the events the OS delivered up to now, and the tracker's last tick counts them.
        await sensors.input.stop();
        await tracker.stop();
        native.close();
      })();
      return stopping;
    },
  };
}
