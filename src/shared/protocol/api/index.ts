/** Request and response schemas of the work-diary server's HTTP API (/api/v1). */
export * from './auth.js';
export * from './contracts.js';
export * from './diary.js';
export * from './disputes.js';
export * from './errors.js';
export * from './invitations.js';
export * from './screenshot-removals.js';
export * from './screenshots.js';
export * from './segments.js';
export * from './terms.js';
export * from './text.js';
export * from './health.js';
export * from './weeks.js';
export * from './timesheets.js';
