#!/usr/bin/env node
// Loads @kubernetes/client-node (about a thousand modules) before tsx's loader hooks are
// registered: through the hooks the import takes seconds, without them under one.
import '@kubernetes/client-node';
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
