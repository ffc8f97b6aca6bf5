// Writes (or only checks) the JSON Schemas editors use for playbooks and inventories.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Action } from '../../actions/types.js';
import { inventoryEditorSchema } from './inventory-schema.js';
import { playbookEditorSchema } from './playbook-schema.js';

/** The schema files by name, as their JSON values. */
export function editorSchemas(registry: Record<string, Action>): Record<string, Record<string, unknown>> {
  return {
    'playbook.schema.json': playbookEditorSchema(registry),
    'inventory.schema.json': inventoryEditorSchema(),
  };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes the schema files into `dir`, or only lists the stale ones when `check` is set; returns the stale names. */
export function writeSchemas(registry: Record<string, Action>, dir: string, check: boolean): string[] {
  const stale: string[] = [];
  for (const [name, schema] of Object.entries(editorSchemas(registry))) {
    const path = join(dir, name);
    if (isDeepStrictEqual(readJson(path), schema)) continue;
    stale.push(name);
    if (!check) writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
  }
  return stale;
}
