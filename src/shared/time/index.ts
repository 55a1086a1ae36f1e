export * from './segments.js';
export * from './iso.js';
export * from './screenshot-moment.js';
export * from './days.js';
export * from './zoned-weeks.js';
