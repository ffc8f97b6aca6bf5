// Schema validators: the ones compiled at build time (compiled-<kind>.cjs) when there is one, else ajv now.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv, Options, ValidateFunction } from 'ajv';

/** How a schema is checked: `plain` as written, `with` filling defaults and converting scalars, `coercing` text to a type. */
export type ValidatorKind = 'plain' | 'with' | 'coercing';

/** The ajv options of each kind (build time and run time alike). */
export const kindOptions: Record<ValidatorKind, Options> = {
  plain: {},
  with: { useDefaults: true, coerceTypes: true },
  coercing: { coerceTypes: 'array' },
};

/** The file, beside this module in dist, where the build writes the validators of a kind. */
export function compiledFile(kind: ValidatorKind): string {
  return `compiled-${kind}.cjs`;
}

const require = createRequire(import.meta.url);
const compiled = new Map<ValidatorKind, Record<string, ValidateFunction> | null>();
const atRunTime = new Map<string, ValidateFunction>();
// Per schema object: its key is hashed once, however often a loader asks for it.
const byObject = new Map<ValidatorKind, WeakMap<object, ValidateFunction>>();
const instances = new Map<ValidatorKind, Ajv>();

/** An ajv instance set up the way every waptops schema is checked (all errors, with schemas attached). */
export function newAjv(extra: Options = {}): Ajv {
  // Loaded on first use: a command whose schemas were all compiled at build time never loads ajv.
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  return new AjvClass({ allErrors: true, verbose: true, strict: false, ...extra });
}

/** The key a schema's validator is known by: its kind and a hash of its JSON. */
export function validatorKey(kind: ValidatorKind, schema: object): string {
  return `${kind}_${createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 24)}`;
}

function precompiled(kind: ValidatorKind, key: string): ValidateFunction | undefined {
  if (!compiled.has(kind)) {
    try {
      compiled.set(kind, require(`./${compiledFile(kind)}`) as Record<string, ValidateFunction>);
    } catch {
      compiled.set(kind, null); // running from the sources (tests): everything is compiled on demand
    }
  }
  return compiled.get(kind)?.[key];
}

/** The validator of `schema` checked as `kind`; compiled once per process when the build did not. */
export function validatorOf(kind: ValidatorKind, schema: object): ValidateFunction {
  let seen = byObject.get(kind);
  if (!seen) {
    seen = new WeakMap();
    byObject.set(kind, seen);
  }
  const known = seen.get(schema);
  if (known) return known;
  const validate = lookUpOrCompile(kind, schema);
  seen.set(schema, validate);
  return validate;
}

function lookUpOrCompile(kind: ValidatorKind, schema: object): ValidateFunction {
  const key = validatorKey(kind, schema);
  const ready = precompiled(kind, key) ?? atRunTime.get(key);
  if (ready) return ready;
  let ajv = instances.get(kind);
  if (!ajv) {
    ajv = newAjv(kindOptions[kind]);
    instances.set(kind, ajv);
  }
  const validate = ajv.compile(schema);
  atRunTime.set(key, validate);
  return validate;
}

/** True when the build compiled this schema's validator (for the build's own test). */
export function isPrecompiled(kind: ValidatorKind, schema: object): boolean {
  return precompiled(kind, validatorKey(kind, schema)) !== undefined;
}
