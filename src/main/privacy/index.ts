export { KEEP_APP_NAMES_KEY, NO_PRIVATE_WINDOWS, PrivateWindowRules, contractPrivateWindows, type PrivacyRules, type PrivacyState, type PrivateWindowRulesDeps } from './rules.js';
export { PrivateWindowFilter, isPrivateSample, redactSample } from './window-filter.js';
export { privateTrackingParts, type PrivateTrackingParts } from './wiring.js';
export { privateLists, type ContractPrivateList, type PrivateLists } from './cached-lists.js';
export { redactionReport } from './redaction-report.js';
