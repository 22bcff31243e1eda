export * from './event-hook.js';
export * from './events.js';
export * from './worker-nodes.js';
