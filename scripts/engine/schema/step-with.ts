// Checks a step's `with` against its action's schema: statically (expressions set aside) and once resolved.
import type { ValidateFunction } from 'ajv';
import type { Action } from '../../actions/types.js';
import type { Problem } from '../../core/errors.js';
import { isSecret } from '../../core/secret.js';
import { wholeExpression } from '../expressions/expressions.js';
import type { Step } from '../model.js';
import { type Locator, schemaProblems, yamlLocator } from './problems.js';
import { validatorOf } from './validators.js';
import { type KeyPath, pointerToPath, type YamlSource } from './yaml-source.js';

// Scalars are converted to the type the schema asks for (`argv: [sleep, 2]`, a number from an expression).
function validatorFor(action: Action): ValidateFunction {
  return validatorOf('with', action.schema);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isSecret(v);
}

/**
 * A copy of `with` for static checking: a key whose value is (or, inside a list, contains) a
 * whole `${{ }}` is removed, and strings that interpolate expressions are noted.
 */
export function pruneExpressions(value: Record<string, unknown>): {
  value: Record<string, unknown>;
  pruned: KeyPath[];
  interpolated: KeyPath[];
} {
  const pruned: KeyPath[] = [];
  const interpolated: KeyPath[] = [];
  const hasWhole = (v: unknown): boolean =>
    typeof v === 'string' ? wholeExpression(v) !== undefined : Array.isArray(v) && v.some(hasWhole);
  const copy = (v: unknown, path: KeyPath): unknown => {
    if (typeof v === 'string' && v.includes('${{')) interpolated.push(path);
    if (Array.isArray(v)) return v.map((item, i) => copy(item, [...path, i]));
    if (!isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      if (hasWhole(item)) pruned.push([...path, k]);
      else out[k] = copy(item, [...path, k]);
    }
    return out;
  };
  return { value: copy(value, []) as Record<string, unknown>, pruned, interpolated };
}

const samePath = (a: KeyPath, b: KeyPath) =>
  a.length === b.length && a.every((s, i) => String(s) === String(b[i]));

/** Problems of a step's `with` as written; `at` is the step's key path in the file. */
export function staticWithProblems(
  src: YamlSource,
  at: KeyPath,
  value: Record<string, unknown>,
  action: Action,
) {
  const { value: checked, pruned, interpolated } = pruneExpressions(value);
  const validate = validatorFor(action);
  if (validate(checked)) return [];
  const errors = (validate.errors ?? []).filter((e) => {
    const path = pointerToPath(e.instancePath);
    if (interpolated.some((p) => samePath(p, path))) return false;
    return !(
      e.keyword === 'required' && pruned.some((p) => samePath(p, [...path, e.params.missingProperty]))
    );
  });
  return schemaProblems(yamlLocator(src), errors, [...at, 'with']);
}

const stepPaths = new WeakMap<Step, KeyPath>();

/** Remembers where a loaded step sits in its file (e.g. ['steps', 2]) for run-time messages. */
export function rememberStepPath(step: Step, path: KeyPath): void {
  stepPaths.set(step, path);
}

function revealSecrets(v: unknown): unknown {
  if (isSecret(v)) return v.reveal();
  if (Array.isArray(v)) return v.map(revealSecrets);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, revealSecrets(item)]));
  return v;
}

/** Copies what ajv filled in or converted (`filled`) back into `target`, leaving Secrets as they are. */
function copyChecked(target: unknown, filled: unknown): void {
  if (Array.isArray(target) && Array.isArray(filled)) {
    for (const [i, item] of target.entries()) {
      if (isScalar(item) && isScalar(filled[i])) target[i] = filled[i];
      else copyChecked(item, filled[i]);
    }
  } else if (isObject(target) && isObject(filled)) {
    for (const [k, v] of Object.entries(filled)) {
      if (!Object.hasOwn(target, k) || (isScalar(target[k]) && isScalar(v))) target[k] = v;
      else copyChecked(target[k], v);
    }
  }
}

function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

/**
 * Checks a step's resolved `with` against its action's schema at run time and fills in the
 * schema's defaults; problems carry the same file positions as load-time problems.
 * Secret values are checked but never appear in a message.
 */
export function validateResolvedWith(
  step: Step,
  action: Action,
  resolved: Record<string, unknown>,
): Problem[] {
  const checked = revealSecrets(resolved);
  const validate = validatorFor(action);
  if (validate(checked)) {
    copyChecked(resolved, checked);
    return [];
  }
  const base = [...(stepPaths.get(step) ?? []), 'with'];
  const relative = (path: KeyPath) => path.slice(base.length);
  const locate: Locator = { value: (p) => step.posOf(relative(p)), key: (p) => step.posOf(relative(p)) };
  return schemaProblems(locate, validate.errors ?? [], base);
}
