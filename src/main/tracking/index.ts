export * from './ports.js';
export * from './events.js';
export * from './tracker-types.js';
export { Tracker } from './tracker.js';
export { EffectiveTimeline, FROZEN_GAP_MS, type TimelineSlice } from './timeline.js';
export { IdleTracker, type IdleState, type IdleTransition } from './idle-tracker.js';
export { ScreenshotScheduler, allowsScreenshots, type PlannedShot } from './screenshot-scheduler.js';
export { placeSegment, type Placement } from './segment-placement.js';
export { UNKNOWN_APP } from './segment-state.js';
