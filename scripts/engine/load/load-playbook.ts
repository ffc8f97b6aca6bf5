// Loads a playbook file (with the per-OS vars beside it) and checks it against the real action registry.
import { actions } from '../../actions/index.js';
import type { Playbook } from '../model.js';
import { readYamlFile } from '../schema/yaml-limits.js';
import { loadOsVars } from './os-vars.js';
import { type PlaybookCheckOptions, parsePlaybook } from './parse-playbook.js';

/** Reads and validates a playbook; every problem is reported at once as a ValidationError. */
export function loadPlaybook(file: string, opts: Partial<PlaybookCheckOptions> = {}): Playbook {
  const text = readYamlFile(file, 'playbook');
  const playbook = parsePlaybook(file, text, {
    registry: opts.registry ?? actions,
    factNames: opts.factNames,
  });
  return { ...playbook, osVars: loadOsVars(file) };
}
