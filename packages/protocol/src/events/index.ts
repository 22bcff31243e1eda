export * from './event-hook.js';
export * from './events.js';
