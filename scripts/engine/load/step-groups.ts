// Step groups: a `block:` item of `steps` or `rescue` gathers steps under one `when` and one `become`. The
// loader opens each group in place, so the run loop sees one flat list of steps, each with its own position.
import type { KeyPath } from '../schema/yaml-source.js';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A group as written, and where it sits. */
export interface StepGroup {
  raw: Raw;
  at: KeyPath;
}

/** One step of a list once its group is opened: the step as written, where it sits, and its group (if any). */
export interface FlatStep {
  raw: Raw;
  at: KeyPath;
  group?: StepGroup;
}

/** True when a list item is a group (`block:`) rather than a step. */
export function isGroup(item: unknown): item is Raw {
  return isObject(item) && Object.hasOwn(item, 'block');
}

/** The steps of `steps` or `rescue` with every group opened in place, in order. */
export function flattenSteps(list: unknown, key: 'steps' | 'rescue'): FlatStep[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, i): FlatStep[] => {
    if (!isObject(item)) return [];
    if (!isGroup(item)) return [{ raw: item, at: [key, i] }];
    const group = { raw: item, at: [key, i] };
    const inner = Array.isArray(item.block) ? item.block : [];
    return inner.flatMap((step, j) =>
      isObject(step) ? [{ raw: step, at: [key, i, 'block', j], group }] : [],
    );
  });
}

/** An expression as one operand of `&&`: in parentheses unless it has no operator of lower precedence. */
function operand(expr: string): string {
  return /\|\||\?/.test(expr) ? `(${expr})` : expr;
}

/**
 * The `when` a step runs under, as one expression: its group's and its own joined with `&&` (a boolean is
 * written `true`/`false`); undefined when neither is set.
 */
export function effectiveWhen(step: FlatStep): string | undefined {
  const conditions = [step.group?.raw.when, step.raw.when]
    .filter((c): c is string | boolean => typeof c === 'string' || typeof c === 'boolean')
    .map(String);
  if (conditions.length === 0) return undefined;
  if (conditions.includes('false')) return 'false';
  const expressions = conditions.filter((c) => c !== 'true');
  if (expressions.length === 0) return 'true';
  if (expressions.length === 1) return expressions[0];
  return expressions.map(operand).join(' && ');
}

/** The `become` a step runs with: its own, else its group's, else the playbook's; undefined leaves the host's. */
export function effectiveBecome(step: FlatStep, playbookBecome: unknown): boolean | string | undefined {
  for (const value of [step.raw.become, step.group?.raw.become, playbookBecome]) {
    if (typeof value === 'boolean' || typeof value === 'string') return value;
  }
  return undefined;
}
