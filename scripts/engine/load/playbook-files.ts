// Files beside a playbook that its steps name (the `script` action's .sh files): found relative to the playbook's
// folder at load time, so a missing one is a validation error at its position before any host is contacted.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Action } from '../../actions/types.js';
import type { Problem } from '../../core/errors.js';
import { formatPath, positionOf, type YamlSource } from '../schema/yaml-source.js';
import { flattenSteps } from './step-groups.js';

const templateOpen = '$' + '{{';
type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Resolves, in place, the `with` values that name a file beside the playbook (an action's `playbookFiles`)
 * to absolute paths; a missing file is a problem at its position.
 */
export function resolvePlaybookFiles(
  src: YamlSource,
  data: Raw,
  registry: Record<string, Action>,
): Problem[] {
  const out: Problem[] = [];
  for (const list of ['steps', 'rescue'] as const) {
    for (const { raw, at } of flattenSteps(data[list], list)) {
      const action = typeof raw.action === 'string' ? registry[raw.action] : undefined;
      if (!action?.playbookFiles || !isObject(raw.with)) continue;
      for (const key of action.playbookFiles) {
        const value = raw.with[key];
        if (typeof value !== 'string' || value.includes(templateOpen)) continue;
        const file = path.resolve(path.dirname(src.file), value);
        if (existsSync(file)) raw.with[key] = file;
        else {
          const keyPath = [...at, 'with', key];
          out.push({ pos: positionOf(src, keyPath), path: formatPath(keyPath), message: `no file ${file}` });
        }
      }
    }
  }
  return out;
}
