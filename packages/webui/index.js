export { distDir, isWebUiBuilt, ensureWebUiBuilt } from './build.mjs';
