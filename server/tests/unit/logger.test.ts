import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

describe('createLogger', () => {
  it('censors authorization headers, passwords, tokens and database URLs', () => {
    let out = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    logger.info({ req: { headers: { authorization: 'Bearer wt_secret-token' } } }, 'request');
    logger.info({ body: { email: 'a@b.c', password: 'hunter2' } }, 'body');
    logger.child({ subsystem: 'auth' }).info({ token: 'wt_other-secret', config: { databaseUrl: 'postgres://u:dbpass@h/db' } }, 'nested');
    expect(out).not.toMatch(/wt_secret-token|hunter2|wt_other-secret|dbpass/);
    expect(out).toContain('[redacted]');
    expect(out).toContain('a@b.c');
  });
});
