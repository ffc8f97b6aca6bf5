// Writes (or with --check, verifies) the JSON Schemas editors use for playbooks and inventories.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Action } from '../actions/types.js';
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

async function main(args: string[]): Promise<void> {
  const { actions } = await import('../actions/index.js');
  const check = args.includes('--check');
  const dir = resolve('scripts/engine');
  const stale = writeSchemas(actions, dir, check);
  for (const name of stale) console.log(`${check ? 'out of date' : 'wrote'}: ${join(dir, name)}`);
  if (!check && stale.length > 0) {
    // The repository's formatter owns the layout of JSON files; keep `biome check` clean.
    execFileSync(
      resolve('node_modules/.bin/biome'),
      ['format', '--write', ...stale.map((n) => join(dir, n))],
      {
        stdio: 'inherit',
      },
    );
  }
  if (check && stale.length > 0) {
    console.log('run `make schemas` and commit the result');
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  await main(process.argv.slice(2));
