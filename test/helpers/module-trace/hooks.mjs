// Module hooks for register.mjs: each resolved ES module URL is appended to the trace file.
import { appendFileSync } from 'node:fs';

let file;

/** Receives the trace file from register.mjs. */
export function initialize(data) {
  file = data.file;
}

/** Records the URL every import resolves to. */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, `esm ${resolved.url}\n`);
  return resolved;
}
