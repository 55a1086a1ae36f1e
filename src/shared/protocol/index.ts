export * from './contract-state.js';
export * from './policy.js';
export * from './segment.js';
