// CommonJS face of the locustfile API: tsx loads a .ts locustfile outside an ESM package as
// CommonJS, so `import ... from 'locust-ts'` becomes a require() that lands here.
module.exports = globalThis[Symbol.for('locust-ts.api')];
