// Playbook params as JSON Schemas: checking the declarations and compiling them for values.
import type { ValidateFunction } from 'ajv';
import type { Problem } from '../../core/errors.js';
import type { ParamSpec } from '../model.js';
import { schemaProblems, yamlLocator } from '../schema/problems.js';
import { validatorOf } from '../schema/validators.js';
import { formatPath, positionOf, type YamlSource } from '../schema/yaml-source.js';

const waptopsKeywords = new Set(['secret', 'env', 'required', 'one_of']);

/** The standard JSON Schema part of a param (without `secret`, `env`, `required`, `one_of`). */
export function plainSchemaOf(spec: ParamSpec): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => !waptopsKeywords.has(k)));
}

/** True when a run must be given this param: `required`, or by default when there is no `default`. */
export function isRequired(spec: ParamSpec): boolean {
  return typeof spec.required === 'boolean' ? spec.required : spec.default === undefined;
}

/** A validator for values of this param as written in the playbook (no type coercion). */
export function paramValidator(spec: ParamSpec): ValidateFunction {
  return validatorOf('plain', plainSchemaOf(spec));
}

/** The schema of `{ value }` whose validator turns text (from -e, env, files) into the param's type. */
export function coercingSchemaOf(spec: ParamSpec): Record<string, unknown> {
  return { type: 'object', properties: { value: plainSchemaOf(spec) } };
}

/** A validator of `{ value }` that turns text (from -e, env, files) into the param's type in place. */
export function coercingParamValidator(spec: ParamSpec): ValidateFunction {
  return validatorOf('coercing', coercingSchemaOf(spec));
}

const isObject = (v: unknown): v is ParamSpec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems in the `params:` declarations: secret rules, and defaults that break their own schema. */
export function checkParamSpecs(src: YamlSource, params: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  const at = (name: string, key?: string) => {
    const path = key ? ['params', name, key] : ['params', name];
    return { pos: positionOf(src, path), path: formatPath(path) };
  };
  for (const [name, spec] of Object.entries(params)) {
    if (!isObject(spec)) continue;
    if (spec.secret && spec.type !== 'string')
      out.push({ ...at(name, 'type'), message: 'a secret param must be of type string' });
    if (spec.secret && spec.default !== undefined) {
      out.push({
        ...at(name, 'default'),
        message: 'a secret param cannot have a default (it would sit in the file)',
      });
      continue;
    }
    if (spec.default === undefined) continue;
    let validate: ValidateFunction;
    try {
      validate = paramValidator(spec);
    } catch (e) {
      out.push({ ...at(name), message: `not a valid schema: ${(e as Error).message}` });
      continue;
    }
    if (!validate(spec.default)) {
      out.push(...schemaProblems(yamlLocator(src), validate.errors ?? [], ['params', name, 'default']));
    }
  }
  return out;
}
