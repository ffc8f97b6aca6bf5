// `${{ }}` expressions: parsed with jsep and evaluated by walking the tree over plain data (no eval).
import { isDeepStrictEqual } from 'node:util';
import jsep from 'jsep';
import { isSecret, Secret } from '../../core/secret.js';
import { ExpressionError, expressionFunctions, isPlainObject, kind } from './functions.js';

/** Re-exported so callers import every expression API from one module. */

/** What expressions can read; `result` exists only in until/changed_when/failed_when. */
export interface ExpressionScope {
  params: Record<string, unknown>;
  vars: Record<string, unknown>;
  facts: Record<string, unknown>;
  host: Record<string, unknown>;
  steps: Record<string, unknown>;
  result?: Record<string, unknown>;
}

/** Property names never read, whatever the object. */
export const unsafeKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const templatePattern = /\$\{\{(.*?)\}\}/gs;

/** The inner text when `s` is exactly one `${{ expr }}` (its value keeps its type), else undefined. */
export function wholeExpression(s: string): string | undefined {
  const m = /^\$\{\{(.*?)\}\}$/s.exec(s.trim());
  return m && !m[1]?.includes('}}') ? m[1] : undefined;
}

/** The inner texts of every `${{ expr }}` in a string. */
export function templateExpressions(s: string): string[] {
  return [...s.matchAll(templatePattern)].map((m) => m[1] as string);
}

const parsed = new Map<string, jsep.Expression>();

/** Parses an expression (bare, or one whole `${{ }}`); a syntax error throws ExpressionError. */
export function parseExpression(text: string): jsep.Expression {
  const bare = wholeExpression(text) ?? text;
  let ast = parsed.get(bare);
  if (!ast) {
    try {
      ast = jsep(bare);
    } catch (e) {
      const { description, index } = e as { description?: string; index?: number };
      const what = description === 'Unexpected ' ? 'unexpected end' : (description ?? (e as Error).message);
      throw new ExpressionError(`syntax error in '${bare.trim()}' at character ${(index ?? 0) + 1}: ${what}`);
    }
    parsed.set(bare, ast);
  }
  return ast;
}

function noSecret(v: unknown, what: string): unknown {
  if (isSecret(v)) throw new ExpressionError(`a secret can only be passed on, not used in ${what}`);
  return v;
}

function readMember(object: unknown, key: unknown): unknown {
  if (typeof key !== 'string' && typeof key !== 'number')
    throw new ExpressionError(`cannot index with ${kind(key)}`);
  if (unsafeKeys.has(String(key))) throw new ExpressionError(`reading '${key}' is not allowed`);
  if (object === undefined || object === null) return undefined;
  noSecret(object, 'member access');
  if (!Array.isArray(object) && !isPlainObject(object)) {
    throw new ExpressionError(`cannot read '${key}' of ${kind(object)}`);
  }
  if (!Object.hasOwn(object, key)) return undefined;
  const value = (object as Record<string | number, unknown>)[key];
  if (typeof value === 'function') throw new ExpressionError(`'${key}' is not data`);
  return value;
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  if (typeof a !== 'number' || typeof b !== 'number') {
    throw new ExpressionError(`'${op}' needs two numbers, got ${kind(a)} and ${kind(b)}`);
  }
  return [a, b];
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const bothStrings = typeof a === 'string' && typeof b === 'string';
  if (!bothStrings) numbers(op, a, b);
  const x = a as number | string;
  const y = b as number | string;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function binary(op: string, left: () => unknown, right: () => unknown): unknown {
  if (op === '&&' || op === '||') {
    const l = noSecret(left(), `'${op}'`);
    if (op === '&&' ? !l : l) return l;
    return noSecret(right(), `'${op}'`);
  }
  const a = noSecret(left(), `'${op}'`);
  const b = noSecret(right(), `'${op}'`);
  switch (op) {
    case '==':
      return isDeepStrictEqual(a, b);
    case '!=':
      return !isDeepStrictEqual(a, b);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, a, b);
    case '+':
      if (typeof a === 'string' || typeof b === 'string') return stringify(a) + stringify(b);
      return numbers(op, a, b).reduce((x, y) => x + y);
    case '-':
      return numbers(op, a, b).reduce((x, y) => x - y);
    case '*':
      return numbers(op, a, b).reduce((x, y) => x * y);
    case '/':
    case '%': {
      const [x, y] = numbers(op, a, b);
      if (y === 0) throw new ExpressionError(`division by zero`);
      return op === '/' ? x / y : x % y;
    }
    default:
      throw new ExpressionError(`operator '${op}' is not supported`);
  }
}

function evaluateNode(node: jsep.Expression, scope: ExpressionScope): unknown {
  const ev = (n: jsep.Expression) => evaluateNode(n, scope);
  switch (node.type) {
    case 'Literal':
      return (node as jsep.Literal).value;
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      if (!Object.hasOwn(scope, name) || unsafeKeys.has(name))
        throw new ExpressionError(`unknown name '${name}'`);
      return scope[name as keyof ExpressionScope];
    }
    case 'MemberExpression': {
      const m = node as jsep.MemberExpression;
      const key = m.computed ? ev(m.property) : (m.property as jsep.Identifier).name;
      return readMember(ev(m.object), key);
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      const name = c.callee.type === 'Identifier' ? (c.callee as jsep.Identifier).name : '';
      const fn = Object.hasOwn(expressionFunctions, name) ? expressionFunctions[name] : undefined;
      if (!fn) throw new ExpressionError(`unknown function '${name || 'expression'}'`);
      const [min, max] = fn.arity;
      if (c.arguments.length < min || c.arguments.length > max) {
        throw new ExpressionError(`${name}() takes ${min === max ? min : `${min} to ${max}`} arguments`);
      }
      const args = c.arguments.map(ev);
      return fn.call(name === 'default' ? args : args.map((a) => noSecret(a, `${name}()`)));
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const v = noSecret(ev(u.argument), `'${u.operator}'`);
      if (u.operator === '!') return !v;
      if (typeof v !== 'number' || (u.operator !== '-' && u.operator !== '+')) {
        throw new ExpressionError(`'${u.operator}' needs a number, got ${kind(v)}`);
      }
      return u.operator === '-' ? -v : v;
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      return binary(
        b.operator,
        () => ev(b.left),
        () => ev(b.right),
      );
    }
    case 'ConditionalExpression': {
      const t = node as jsep.ConditionalExpression;
      return noSecret(ev(t.test), 'a condition') ? ev(t.consequent) : ev(t.alternate);
    }
    case 'ArrayExpression':
      return (node as jsep.ArrayExpression).elements.map((e) => (e ? ev(e) : null));
    default:
      throw new ExpressionError(`${node.type} is not supported in expressions`);
  }
}

/** Evaluates one expression (bare, or one whole `${{ }}`) over the scope. */
export function evaluateExpression(text: string, scope: ExpressionScope): unknown {
  return evaluateNode(parseExpression(text), scope);
}

/** How a value reads inside a larger string: null and undefined as '', objects as JSON. */
function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Resolves the expressions in a string: one whole `${{ }}` yields its typed value; otherwise
 * each is interpolated, and a string that took in a secret becomes a Secret of the whole text.
 */
export function interpolate(s: string, scope: ExpressionScope): unknown {
  const whole = wholeExpression(s);
  if (whole !== undefined) return evaluateExpression(whole, scope);
  let tookSecret = false;
  const text = s.replace(templatePattern, (_, expr: string) => {
    const v = evaluateExpression(expr, scope);
    if (!isSecret(v)) return stringify(v);
    tookSecret = true;
    return v.reveal();
  });
  return tookSecret ? new Secret(text) : text;
}

/** Resolves every string in a value tree (a step's `with`, a var) over the scope. */
export function resolveTemplates(value: unknown, scope: ExpressionScope): unknown {
  if (typeof value === 'string') return interpolate(value, scope);
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, scope));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, scope)]));
  }
  return value;
}

/** Every `root.name` an expression reads with a fixed name (e.g. `params.port` -> params/port). */
export function collectReferences(text: string): { root: string; name?: string }[] {
  const refs: { root: string; name?: string }[] = [];
  const visit = (node: jsep.Expression | null | undefined, parent?: jsep.Expression): void => {
    if (!node) return;
    if (node.type === 'Identifier') {
      const m = parent as jsep.MemberExpression | undefined;
      const isObjectOfMember = m?.type === 'MemberExpression' && m.object === node;
      let name: string | undefined;
      if (isObjectOfMember && !m.computed) name = (m.property as jsep.Identifier).name;
      else if (isObjectOfMember && m.property.type === 'Literal')
        name = String((m.property as jsep.Literal).value);
      refs.push({ root: (node as jsep.Identifier).name, ...(name === undefined ? {} : { name }) });
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      if (node.type === 'CallExpression' && key === 'callee') continue;
      if (node.type === 'MemberExpression' && key === 'property' && !(node as jsep.MemberExpression).computed)
        continue;
      if (Array.isArray(child)) for (const c of child) visit(c as jsep.Expression, node);
      else if (child && typeof child === 'object' && 'type' in child) visit(child as jsep.Expression, node);
    }
  };
  visit(parseExpression(text));
  return refs;
}

/** The fact names an expression reads (`facts.os.family` -> ['os']), so they can be fetched first. */
export function collectFactRefs(text: string): string[] {
  const names = collectReferences(text)
    .filter((r) => r.root === 'facts' && r.name !== undefined)
    .map((r) => r.name as string);
  return [...new Set(names)];
}
