import { describe, expect, it } from 'vitest';
import { redact, redactValue, registerSecret } from '../../../scripts/core/redact.js';

describe('redact', () => {
  it('masks every occurrence of every given secret, longest first', () => {
    expect(redact('pw=abc, again abc; abcdef', ['abc', 'abcdef'])).toBe('pw=***, again ***; ***');
  });

  it('uses the registered secrets by default and ignores an empty one', () => {
    registerSecret('');
    registerSecret('hunter2-redact');
    expect(redact('login with hunter2-redact')).toBe('login with ***');
    expect(redact('nothing here')).toBe('nothing here');
  });

  it('masks strings deep inside JSON values, keys included', () => {
    registerSecret('tok-redact');
    expect(redactValue({ a: ['x tok-redact'], 'tok-redact': { n: 1, b: null } })).toEqual({
      a: ['x ***'],
      '***': { n: 1, b: null },
    });
  });
});
