// CommonJS face of the locustfile API (api-link.ts): `require('locust-ts')` from a .cjs
// locustfile or a CommonJS package beside it lands here.
module.exports = globalThis[Symbol.for('locust-ts.api')];
