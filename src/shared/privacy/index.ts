export * from './glob.js';
export * from './private-windows.js';
export * from './words.js';
export * from './redaction.js';
