export * from './policy.js';
export * from './segment.js';
