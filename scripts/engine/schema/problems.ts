// Turns ajv errors into Problems at the YAML position of the offending key or value.
import type { ErrorObject } from 'ajv';
import type { Problem, SourcePosition } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import {
  formatPath,
  type KeyPath,
  keyPositionOf,
  pointerToPath,
  positionOf,
  type YamlSource,
} from './yaml-source.js';

/** Patterns the schemas share, with the words a person reads when a value does not match. */
export const namedPatterns = {
  kebabCase: { pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', hint: 'must be kebab-case (a-z, 0-9 and single dashes)' },
  identifier: {
    pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
    hint: 'must be an identifier (letters, digits, _; not starting with a digit)',
  },
  name: { pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$', hint: 'must use only letters, digits, _, . and -' },
} as const;

const patternHints = new Map<string, string>(Object.values(namedPatterns).map((p) => [p.pattern, p.hint]));

function describeValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function typeOfData(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return Number.isInteger(v) ? 'integer' : typeof v;
}

/** What the alternatives of an anyOf accept, when they differ only by type or constant. */
function describeAlternatives(branches: ErrorObject[]): string | undefined {
  const accepted: string[] = [];
  for (const e of branches) {
    if (e.keyword === 'type') accepted.push(String(e.params.type).replace(',', ' or '));
    else if (e.keyword === 'const') accepted.push(`'${describeValue(e.params.allowedValue)}'`);
    else if (e.keyword === 'enum')
      accepted.push(...e.params.allowedValues.map((v: unknown) => `'${describeValue(v)}'`));
    else return undefined;
  }
  return `must be ${[...new Set(accepted)].join(' or ')}`;
}

/**
 * Replaces each anyOf/oneOf failure by one readable error: "must be A or B" when no branch
 * accepted the value's type, else the errors of the branches whose type matched.
 */
function collapseAlternatives(errors: ErrorObject[]): ErrorObject[] {
  let out = errors;
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  for (const union of unions.reverse()) {
    if (!out.includes(union)) continue;
    const inside = (e: ErrorObject) => e.schemaPath.startsWith(`${union.schemaPath}/`);
    const branchOf = (e: ErrorObject) => e.schemaPath.slice(union.schemaPath.length + 1).split('/')[0];
    const branches = out.filter(inside);
    const mismatched = new Set(
      branches
        .filter((e) => e.instancePath === union.instancePath && ['type', 'const', 'enum'].includes(e.keyword))
        .filter((e) => e.schemaPath.split('/').length === union.schemaPath.split('/').length + 2)
        .map(branchOf),
    );
    const matched = branches.filter((e) => !mismatched.has(branchOf(e)));
    if (matched.length === 0) {
      const summary = describeAlternatives(branches) ?? union.message ?? 'matches no alternative';
      out = out
        .filter((e) => !inside(e))
        .map((e) => (e === union ? { ...union, keyword: 'alternatives', message: summary } : e));
    } else {
      out = out.filter((e) => e !== union && !(inside(e) && mismatched.has(branchOf(e))));
    }
  }
  return out;
}

function reason(e: ErrorObject): string {
  switch (e.keyword) {
    case 'enum':
      return `must be one of: ${e.params.allowedValues.map(describeValue).join(', ')}`;
    case 'const':
      return `must be ${describeValue(e.params.allowedValue)}`;
    case 'type':
      return `must be ${String(e.params.type).replace(',', ' or ')}, got ${typeOfData(e.data)}`;
    case 'pattern':
      return patternHints.get(e.params.pattern) ?? `must match ${e.params.pattern}`;
    case 'alternatives':
      return e.message as string;
    case 'minItems':
      return `needs at least ${e.params.limit} item${e.params.limit === 1 ? '' : 's'}`;
    default:
      return e.message ?? e.keyword;
  }
}

/** Finds the file position of a value, or of the key holding it, by its key path. */
export interface Locator {
  value(path: KeyPath): SourcePosition;
  key(path: KeyPath): SourcePosition;
}

/** A locator over a parsed YAML file. */
export function yamlLocator(src: YamlSource): Locator {
  return { value: (path) => positionOf(src, path), key: (path) => keyPositionOf(src, path) };
}

/** Maps ajv errors to Problems at file positions; `base` is where the validated value sits in the file. */
export function schemaProblems(locate: Locator, errors: ErrorObject[], base: KeyPath = []): Problem[] {
  const problems: Problem[] = [];
  const nameErrors = errors.filter((e) => e.schemaPath.includes('/propertyNames/'));
  // An `if`/`then`/`else` error only says which branch failed; that branch's own errors say why.
  const kept = errors.filter((e) => !nameErrors.includes(e) && e.keyword !== 'if');
  for (const e of collapseAlternatives(kept)) {
    const at = [...base, ...pointerToPath(e.instancePath)];
    if (e.keyword === 'propertyNames') {
      const key = String(e.params.propertyName);
      const inner = nameErrors.find((n) => n.instancePath === e.instancePath && n.propertyName === key);
      problems.push({
        pos: locate.key([...at, key]),
        path: formatPath([...at, key]),
        message: `key '${key}' ${inner ? reason(inner) : 'is not allowed'}`,
      });
    } else if (e.keyword === 'additionalProperties') {
      const key = String(e.params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const keyPath = [...at, key];
      problems.push({
        pos: locate.key(keyPath),
        path: formatPath(keyPath),
        message: `unknown key '${key}'${didYouMean(key, known)}`,
      });
    } else if (e.keyword === 'required') {
      problems.push({
        pos: locate.value(at),
        path: formatPath(at),
        message: `missing required '${e.params.missingProperty}'`,
      });
    } else {
      problems.push({ pos: locate.value(at), path: formatPath(at), message: reason(e) });
    }
  }
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Orders problems by file, line and column (then path) for output. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.pos?.file ?? '').localeCompare(b.pos?.file ?? '') ||
      (a.pos?.line ?? 0) - (b.pos?.line ?? 0) ||
      (a.pos?.col ?? 0) - (b.pos?.col ?? 0) ||
      a.path.localeCompare(b.path),
  );
}
