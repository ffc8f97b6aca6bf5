#!/usr/bin/env node
// The `waptops` executable: keeps Node's compiled code of waptops between runs (Node 22.1 and later; a
// no-op before), then loads the command line. Kept apart so the cache is on before any module loads.
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./main.js');
