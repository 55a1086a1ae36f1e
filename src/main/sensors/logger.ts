import { pino, type Logger } from 'pino';

/** The sensors log through the agent's logger when one is handed in; otherwise they stay quiet. */
export function sensorLogger(parent: Logger | undefined, sensor: string): Logger {
  return (parent ?? pino({ level: 'silent' })).child({ subsystem: 'sensors', sensor });
}

export type { Logger };
