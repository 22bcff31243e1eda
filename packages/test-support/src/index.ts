// The everyday helpers, from '@locust-ts/test-support'. The rest (Chromium, scripted masters and
// workers, the fake runner, netns, OTLP and Prometheus peers, ...) by subpath, e.g.
// '@locust-ts/test-support/chromium', so a test loads only what it uses.
export * from './paths.js';
export * from './ports.js';
export * from './process.js';
export * from './wait.js';
