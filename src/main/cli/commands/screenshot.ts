import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { relative, resolve, isAbsolute } from 'node:path';
import { openAgentBase } from '../../agent/create-agent.js';
import { resolveDataDir } from '../../config/data-dir.js';
import { decryptScreenshot } from '../../crypto/index.js';
import { AgentError } from '../../errors.js';
import type { CommandContext } from '../context.js';

export interface ScreenshotOptions {
  readonly dataDir: string | undefined;
  readonly id: string;
  readonly out: string;
}

/**
 * `worktrace screenshot ID --out FILE`: decrypts one screenshot for its owner. The plaintext goes only where the
 * person asked, never into the data directory (which must hold no plaintext image), and never over an existing file.
 */
export async function runScreenshot(context: CommandContext, options: ScreenshotOptions): Promise<void> {
  const dataDir = resolveDataDir(options.dataDir, context.env);
  const out = resolve(options.out);
  const inside = relative(resolve(dataDir), out);
  if (!inside.startsWith('..') && !isAbsolute(inside)) {
    throw new AgentError('OUT_IN_DATA_DIR', `Refusing to write a decrypted screenshot inside the data directory ${dataDir}: choose another --out.`);
  }
  const base = openAgentBase({ dataDir, clock: context.clock, mode: 'local' });
  try {
    const stored = base.store.screenshots.get(options.id);
    if (!stored) {
      throw new AgentError('SCREENSHOT_NOT_FOUND', `No screenshot ${options.id} here: list them with \`worktrace segments\`.`);
    }
    const jpeg = decryptScreenshot(await base.keys.loadOrCreate(), stored.id, stored.data);
    let file;
    try {
      file = await open(out, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new AgentError(
        'OUT_NOT_WRITABLE',
        code === 'EEXIST' ? `${out} already exists: choose another --out.` : `Cannot write ${out} (${code ?? 'error'}): choose another --out.`,
        { cause: error },
      );
    }
    try {
      await file.writeFile(jpeg);
    } finally {
      await file.close();
    }
    context.stdout.write(`Wrote ${out} (${stored.width}x${stored.height}, ${jpeg.length} bytes).\n`);
  } finally {
    base.close();
  }
}
