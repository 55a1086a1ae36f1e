import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering rules of STYLE.md are enforced by lint; these cases prove each rule actually fires, so a
 * config change cannot silently switch one off.
 */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function importErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rules', () => {
  it.each([
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n"],
    ['src/shared/x.ts', "import { readFileSync } from 'fs';\nexport const f = readFileSync;\n"],
    ['src/shared/x.ts', "import { Tracker } from '../main/tracking/tracker.js';\nexport const t = Tracker;\n"],
    ['src/main/tracking/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src/renderer/x.ts', "import { Tracker } from '../main/tracking/tracker.js';\nexport const t = Tracker;\n"],
    ['src/renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n"],
    ['server/src/x.ts', "import { Tracker } from '../../src/main/tracking/tracker.js';\nexport const t = Tracker;\n"],
    ['server/src/dashboard/client/x.ts', "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n"],
  ])('refuses the import in %s: %s', async (file, source) => {
    expect(await importErrors(file, source)).not.toEqual([]);
  });

  it.each([
    ['src/main/tracking/x.ts', "import { z } from 'zod';\nimport { policySchema } from '../../shared/protocol/index.js';\nexport const s = [z, policySchema];\n"],
    ['src/main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src/renderer/x.ts', "import { policySchema } from '../shared/protocol/index.js';\nexport const p = policySchema;\n"],
    ['server/src/x.ts', "import { policySchema } from '../../src/shared/protocol/index.js';\nexport const p = policySchema;\n"],
  ])('allows the import in %s', async (file, source) => {
    expect(await importErrors(file, source)).toEqual([]);
  });
});
