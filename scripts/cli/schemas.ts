// `waptops schemas`: keeps schemas/*.schema.json (used by editors) in step with the code.
import path from 'node:path';
import { actions } from '../actions/index.js';
import { WaptopsError } from '../core/errors.js';
import { writeSchemas } from '../engine/schema/write-schemas.js';
import { projectRoot } from './paths.js';

/** Writes the editor schemas, or with `check` fails when one is out of date. */
export function schemasCommand(opts: { check?: boolean }): void {
  const dir = path.join(projectRoot, 'schemas');
  const stale = writeSchemas(actions, dir, Boolean(opts.check));
  for (const name of stale)
    process.stdout.write(`${opts.check ? 'out of date' : 'wrote'}: ${path.join(dir, name)}\n`);
  if (opts.check && stale.length > 0) {
    throw new WaptopsError('editor schemas are out of date', 'run `make schemas` and commit the result');
  }
  if (!opts.check && stale.length === 0) process.stdout.write('editor schemas are up to date\n');
}
