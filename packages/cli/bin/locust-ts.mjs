#!/usr/bin/env node
// locust-ts command line. Runs the TypeScript sources directly through tsx's loader, so the
// workspace needs no build step (Node >= 20.6 for module.register).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
