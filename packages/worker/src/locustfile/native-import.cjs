// `import()` as Node itself runs it, through its loader and the locustfile hooks (hooks.mjs),
// reached by require() from load.ts: a test runner that rewrites `import()` in ES modules
// (vitest evaluates them in vm scripts of its own) leaves a CommonJS file's import() alone.
module.exports = (url) => import(url);
