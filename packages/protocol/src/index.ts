export * from './constants.js';
export * from './errors.js';
export * from './codec.js';
export * from './messages.js';
export * from './transport.js';
export * from './ids.js';
export * from './stats/index.js';
export * from './user-class.js';
