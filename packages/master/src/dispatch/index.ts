export * from './users-dispatcher.js';
export * from './kl-sequence.js';
export * from './worker-order.js';
export * from './paced-transition.js';
