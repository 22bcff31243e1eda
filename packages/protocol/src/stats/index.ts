export * from './rounding.js';
export * from './percentile.js';
export * from './stats-entry.js';
export * from './stats-error.js';
export * from './request-stats.js';
