// The names expressions read (params, vars, facts, host, steps), filled lazily per host.
import type { Action } from '../../actions/types.js';
import { ValidationError } from '../../core/errors.js';
import { isSecret } from '../../core/secret.js';
import { factsByName } from '../../facts/index.js';
import { type OsInfo, osFact } from '../../facts/os.js';
import type { Fact } from '../../facts/types.js';
import {
  collectFactRefs,
  collectReferences,
  evaluateExpression,
  resolveTemplates,
} from '../expressions/expressions.js';
import type { HostSession } from '../host-session.js';
import type { HostEntry, Playbook, Step } from '../model.js';
import { validateResolvedWith } from '../schema/step-with.js';

/** What `${{ }}` expressions on one host can read. */
export interface Scope {
  params: Record<string, unknown>;
  vars: Record<string, unknown>;
  facts: Record<string, unknown>;
  host: Record<string, unknown>;
  steps: Record<string, Record<string, unknown>>;
  result?: Record<string, unknown>;
}

// Per-OS vars not yet merged into a scope: they are, once an expression reads one of them that the playbook
// and the inventory do not set (the host's OS family is read then, and only then; a var no OS sets, such as
// an optional one read through default(), reads nothing).
const pendingOsVars = new WeakMap<Scope, Record<string, Record<string, unknown>>>();

/** A fresh scope for one host. */
export function newScope(
  req: { playbook: Playbook; params: Record<string, unknown> },
  entry: HostEntry,
): Scope {
  const scope = {
    params: req.params,
    vars: { ...req.playbook.vars, ...entry.vars },
    facts: {},
    host: {
      name: entry.name,
      address: entry.address,
      user: entry.user,
      groups: entry.groups,
      reachable: true,
    },
    steps: {},
  };
  if (Object.keys(req.playbook.osVars).length > 0) pendingOsVars.set(scope, req.playbook.osVars);
  return scope;
}

/** Merges the host's per-OS vars under the scope's vars when an expression reads one of them. */
async function loadOsVars(exprs: string[], scope: Scope, session: HostSession, step: Step): Promise<void> {
  const byFamily = pendingOsVars.get(scope);
  if (!byFamily) return;
  const osNames = new Set(Object.values(byFamily).flatMap((vars) => Object.keys(vars)));
  const read = exprs
    .flatMap((e) => collectReferences(e))
    .filter((r) => r.root === 'vars' && r.name !== undefined && osNames.has(r.name));
  if (!read.some((r) => !Object.hasOwn(scope.vars, r.name as string))) return;
  pendingOsVars.delete(scope);
  scope.facts.os ??= await session.fact(osFact, step.become);
  const defaults = byFamily[(scope.facts.os as OsInfo).family] ?? {};
  scope.vars = { ...defaults, ...scope.vars };
}

/** Params with every secret shown as `***`, for events, reports and the audit log. */
export function maskParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, isSecret(v) ? '***' : v]));
}

function expressionsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/\$\{\{(.*?)\}\}/gs)) out.push(m[1] as string);
  } else if (Array.isArray(value)) {
    for (const v of value) expressionsIn(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) expressionsIn(v, out);
  }
  return out;
}

/** Fetches the facts the given expressions read into the scope (each once per host). */
export async function loadFacts(
  exprs: string[],
  scope: Scope,
  session: HostSession,
  step: Step,
): Promise<void> {
  await loadOsVars(exprs, scope, session, step);
  for (const name of new Set(exprs.flatMap((e) => collectFactRefs(e)))) {
    if (name in scope.facts) continue;
    const fact = factsByName[name as keyof typeof factsByName] as Fact<unknown> | undefined;
    if (fact) scope.facts[name] = await session.fact(fact, step.become);
  }
}

/** Evaluates a `when`/`until`/`changed_when`/`failed_when` value to a boolean. */
export async function truthy(
  expr: string | boolean,
  scope: Scope,
  session: HostSession,
  step: Step,
): Promise<boolean> {
  if (typeof expr === 'boolean') return expr;
  await loadFacts([expr], scope, session, step);
  return Boolean(evaluateExpression(expr, scope));
}

/** Resolves a step's `with` for this host and checks the result against the action's schema. */
export async function resolveStepWith(
  step: Step,
  action: Action,
  scope: Scope,
  session: HostSession,
): Promise<Record<string, unknown>> {
  await loadFacts(expressionsIn(step.with), scope, session, step);
  const resolved = resolveTemplates(step.with, scope) as Record<string, unknown>;
  const problems = validateResolvedWith(step, action, resolved);
  if (problems.length > 0) throw new ValidationError(problems);
  return resolved;
}
