// Loaded with `node --import`: records every module a process loads (ES modules through a resolve hook,
// CommonJS through Module._load) into the file named by MODULE_TRACE_FILE, one URL or path per line.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const file = process.env.MODULE_TRACE_FILE;
if (file) {
  register(new URL('./hooks.mjs', import.meta.url), { data: { file } });
  const load = Module._load;
  Module._load = function traced(request, parent, isMain) {
    try {
      appendFileSync(file, `cjs ${Module._resolveFilename(request, parent, isMain)}\n`);
    } catch {
      // a module that cannot be resolved fails in the real load below
    }
    return load.apply(this, [request, parent, isMain]);
  };
}
