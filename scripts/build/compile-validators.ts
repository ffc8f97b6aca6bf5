// Build step: compiles every schema known when waptops is built into standalone validator modules,
// so a command checks its files without loading or running ajv's compiler (`npm run build` calls it).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { parse } from 'yaml';
import { actions } from '../actions/index.js';
import { OsVarsSchema } from '../engine/load/os-vars.js';
import { coercingSchemaOf, plainSchemaOf } from '../engine/load/param-specs.js';
import type { ParamSpec } from '../engine/model.js';
import { InventorySchema } from '../engine/schema/inventory-schema.js';
import { PlaybookSchema } from '../engine/schema/playbook-schema.js';
import {
  compiledFile,
  kindOptions,
  newAjv,
  type ValidatorKind,
  validatorKey,
} from '../engine/schema/validators.js';

// Run from dist/scripts/build: the validators go beside dist/scripts/engine/schema/validators.js.
const here = path.dirname(fileURLToPath(import.meta.url));
const schemaDir = path.resolve(here, '../engine/schema');
const playbooksDir = path.resolve(here, '../../../playbooks');

/** The params declared by the shipped playbooks. */
function shippedParams(): ParamSpec[] {
  return readdirSync(playbooksDir)
    .filter((f) => f.endsWith('.yml') && f !== 'os-vars.yml')
    .flatMap((f) => {
      const doc = parse(readFileSync(path.join(playbooksDir, f), 'utf8')) as {
        params?: Record<string, ParamSpec>;
      };
      return Object.values(doc?.params ?? {});
    });
}

/** Every schema of each kind a run may check, by validator key. */
function knownSchemas(): Record<ValidatorKind, Map<string, object>> {
  const params = shippedParams();
  const byKind: Record<ValidatorKind, object[]> = {
    plain: [InventorySchema, PlaybookSchema, OsVarsSchema, ...params.map(plainSchemaOf)],
    with: Object.values(actions).map((a) => a.schema),
    coercing: params.map(coercingSchemaOf),
  };
  const out = {} as Record<ValidatorKind, Map<string, object>>;
  for (const [kind, schemas] of Object.entries(byKind) as [ValidatorKind, object[]][])
    out[kind] = new Map(schemas.map((s) => [validatorKey(kind, s), s]));
  return out;
}

function writeCompiled(): void {
  for (const [kind, schemas] of Object.entries(knownSchemas()) as [ValidatorKind, Map<string, object>][]) {
    const ajv = newAjv({ ...kindOptions[kind], code: { source: true } });
    for (const [key, schema] of schemas) ajv.addSchema(schema, key);
    const file = path.join(schemaDir, compiledFile(kind));
    writeFileSync(
      file,
      standaloneCode.default(ajv, Object.fromEntries([...schemas.keys()].map((k) => [k, k]))),
    );
    console.log(`${path.relative(process.cwd(), file)}: ${schemas.size} validators`);
  }
}

writeCompiled();
