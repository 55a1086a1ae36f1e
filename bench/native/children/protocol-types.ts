import type { InputCounts } from '../../../src/main/sensors/types.js';

/** IPC between input-bench.ts and the children (plain .mjs: no transpiler in the measured process). */
export type ChildReport = { readonly type: 'ready' } | { readonly type: 'stretch'; readonly cpuMs: number; readonly counts: InputCounts };
export type ParentCommand = 'begin' | 'end' | 'exit';
