// The functions `${{ }}` expressions may call, and the error and value helpers they share.
import { isDeepStrictEqual } from 'node:util';
import { StepError } from '../../core/errors.js';
import { isSecret } from '../../core/secret.js';

/** An expression that does not parse, or fails while evaluating (wrong types, unsafe access). */
export class ExpressionError extends StepError {}

type Fn = { arity: [number, number]; call: (args: unknown[]) => unknown };

function needString(name: string, v: unknown): string {
  if (typeof v !== 'string') throw new ExpressionError(`${name}() needs a string, got ${kind(v)}`);
  return v;
}

/** The functions an expression may call, with their argument counts. */
export const expressionFunctions: Record<string, Fn> = {
  contains: {
    arity: [2, 2],
    call: ([haystack, needle]) => {
      if (typeof haystack === 'string') return haystack.includes(needString('contains', needle));
      if (Array.isArray(haystack)) return haystack.some((item) => isDeepStrictEqual(item, needle));
      if (haystack === undefined || haystack === null) return false;
      throw new ExpressionError(`contains() needs a string or an array, got ${kind(haystack)}`);
    },
  },
  startsWith: {
    arity: [2, 2],
    call: ([s, prefix]) => needString('startsWith', s).startsWith(needString('startsWith', prefix)),
  },
  endsWith: {
    arity: [2, 2],
    call: ([s, suffix]) => needString('endsWith', s).endsWith(needString('endsWith', suffix)),
  },
  trim: {
    arity: [1, 1],
    call: ([v]) => needString('trim', v).trim(),
  },
  length: {
    arity: [1, 1],
    call: ([v]) => {
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (v === undefined || v === null) return 0;
      if (isPlainObject(v)) return Object.keys(v).length;
      throw new ExpressionError(`length() needs a string, an array or an object, got ${kind(v)}`);
    },
  },
  // The last part of a path (a file name), as basename(1) prints it without a suffix.
  basename: {
    arity: [1, 1],
    call: ([v]) => needString('basename', v).replace(/\/+$/, '').replace(/^.*\//, ''),
  },
  default: { arity: [2, 2], call: ([v, fallback]) => (v === undefined || v === null ? fallback : v) },
  // JSON text (e.g. an http step's body) as data; null when it is missing or not JSON.
  fromJson: {
    arity: [1, 1],
    call: ([v]) => {
      if (v === undefined || v === null) return null;
      try {
        return JSON.parse(needString('fromJson', v));
      } catch (e) {
        if (e instanceof ExpressionError) throw e;
        return null;
      }
    },
  },
};

/** How a value is named in a message (a secret never shows its value). */
export function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (isSecret(v)) return 'a secret';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** True for `{}` literals and null-prototype objects: the only objects expressions read into. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
