// Loads a playbook file (with the per-OS vars beside it) and checks it against the real action registry.
import { readFileSync } from 'node:fs';
import { actions } from '../../actions/index.js';
import { ValidationError } from '../../core/errors.js';
import type { Playbook } from '../model.js';
import { loadOsVars } from './os-vars.js';
import { type PlaybookCheckOptions, parsePlaybook } from './parse-playbook.js';

/** Reads and validates a playbook; every problem is reported at once as a ValidationError. */
export function loadPlaybook(file: string, opts: Partial<PlaybookCheckOptions> = {}): Playbook {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ValidationError([
      { path: file, message: `cannot read the playbook (${(e as NodeJS.ErrnoException).code})` },
    ]);
  }
  const playbook = parsePlaybook(file, text, {
    registry: opts.registry ?? actions,
    factNames: opts.factNames,
  });
  return { ...playbook, osVars: loadOsVars(file) };
}
