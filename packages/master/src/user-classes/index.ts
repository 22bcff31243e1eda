export * from './python-loader.js';
export * from './explicit.js';
export * from './resolve.js';
