// Expression evaluation over plain data: values, operators, functions, secrets and refused access.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings under test are `${{ }}` expressions
import { describe, expect, it } from 'vitest';
import { isSecret, Secret } from '../../../../scripts/core/secret.js';
import {
  collectFactRefs,
  type ExpressionScope,
  evaluateExpression,
  interpolate,
  resolveTemplates,
} from '../../../../scripts/engine/expressions/expressions.js';

function scope(): ExpressionScope {
  return {
    params: { port: 443, name: 'nginx', password: new Secret('s3cret-value') },
    vars: { list: ['a', 'b'], nested: { deep: { x: 1 } }, empty: '', zero: 0, nothing: null },
    facts: { os: { family: 'debian', version: '12' } },
    host: { name: 'srvwapt' },
    steps: { port: { status: 'ok', data: { open: true } } },
    result: { ok: false, code: 3 },
  };
}
const ev = (expr: string) => evaluateExpression(expr, scope());

describe('evaluation', () => {
  it.each([
    ['params.port', 443],
    ["facts.os['family']", 'debian'],
    ['vars.list[1]', 'b'],
    ['vars.nested.deep.x + 1', 2],
    ['vars.missing.deeper', undefined],
    ["facts.os.family == 'debian' && params.port >= 443", true],
    ['facts.os.version == 12', false],
    ['!result.ok || result.code > 5', true],
    ['result.code * 2 - 1', 5],
    ['7 / 2', 3.5],
    ["'a' + params.port", 'a443'],
    ['result.ok ? 1 : 2', 2],
    ["contains(vars.list, 'b')", true],
    ["contains('nginx.service', 'nginx')", true],
    ["startsWith(host.name, 'srv') && endsWith(host.name, 'wapt')", true],
    ['length(vars.list) + length(vars.nested) + length(vars.nothing)', 3],
    ["basename('/srv/keys/new signing.crt')", 'new signing.crt'],
    ["basename('relative.pem') + basename('/dir/')", 'relative.pemdir'],
    ["default(vars.missing, 'fallback')", 'fallback'],
    ['default(vars.zero, 5)', 0],
    ['steps.port.data.open', true],
    ['vars.empty || "x"', 'x'],
    ["[1, 'two']", [1, 'two']],
    ["vars.list == ['a', 'b']", true],
  ])('%s -> %j', (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it('accepts a whole ${{ }} as well as a bare expression', () => {
    expect(ev('${{ params.port }}')).toBe(443);
  });
});

describe('refusal of unsafe or meaningless operations', () => {
  it.each([
    ['vars.constructor', /reading 'constructor' is not allowed/],
    ["vars['__proto__']", /reading '__proto__' is not allowed/],
    ['vars.list.prototype', /reading 'prototype' is not allowed/],
    ['vars[vars.key]', /cannot index with undefined/],
    ['process.env', /unknown name 'process'/],
    ['host.name.length', /cannot read 'length' of string/],
    ["eval('1')", /unknown function 'eval'/],
    ['vars.list.map(1)', /unknown function/],
    ['this', /ThisExpression is not supported/],
    ['1 / 0', /division by zero/],
    ["'a' < 1", /needs two numbers/],
    ['1 === 1', /operator '===' is not supported/],
    ['params.port +', /syntax error in 'params.port \+' at character 14/],
  ])('%s', (expr, message) => {
    expect(() => ev(expr)).toThrow(message);
  });

  it('does not read inherited properties of plain objects', () => {
    expect(ev('vars.toString')).toBeUndefined();
    expect(ev('vars.hasOwnProperty')).toBeUndefined();
  });

  it('does not read into objects that are not plain data', () => {
    const s = { ...scope(), vars: { when: new Date(0), map: new Map([['a', 1]]) } };
    expect(() => evaluateExpression('vars.when.getTime', s)).toThrow(/cannot read 'getTime' of an object/);
    expect(() => evaluateExpression('vars.map.size', s)).toThrow(/cannot read 'size'/);
  });
});

describe('secrets', () => {
  it('a reference yields the Secret itself', () => {
    const v = ev('params.password');
    expect(isSecret(v)).toBe(true);
    expect(String(v)).toBe('***');
  });

  it('interpolating a secret makes the whole string a Secret', () => {
    const v = interpolate('user:${{ params.password }}@${{ host.name }}', scope());
    expect(isSecret(v)).toBe(true);
    expect((v as Secret).reveal()).toBe('user:s3cret-value@srvwapt');
    expect(JSON.stringify({ v })).not.toContain('s3cret');
  });

  it('default() passes a secret on; comparing or computing with one is refused', () => {
    expect(isSecret(ev("default(params.password, 'x')"))).toBe(true);
    expect(() => ev("params.password == 'x'")).toThrow(/a secret can only be passed on/);
    expect(() => ev('length(params.password)')).toThrow(/a secret can only be passed on/);
    expect(() => ev('params.password.length')).toThrow(/a secret can only be passed on/);
  });
});

describe('templates', () => {
  it('a whole expression keeps its type; a mixed string is text', () => {
    expect(interpolate('${{ params.port }}', scope())).toBe(443);
    expect(interpolate('port ${{ params.port }} on ${{ vars.nested }} ${{ vars.nothing }}!', scope())).toBe(
      'port 443 on {"deep":{"x":1}} !',
    );
    expect(interpolate('no expression', scope())).toBe('no expression');
  });

  it('resolves every string of a tree', () => {
    const resolved = resolveTemplates(
      { port: '${{ params.port }}', argv: ['echo', '${{ host.name }}'], keep: true, n: 3 },
      scope(),
    );
    expect(resolved).toEqual({ port: 443, argv: ['echo', 'srvwapt'], keep: true, n: 3 });
  });
});

it('collectFactRefs lists the facts an expression reads, once each', () => {
  expect(
    collectFactRefs("facts.os.family == 'debian' && contains(facts.mounts, facts.os.x) || facts['disk']"),
  ).toEqual(['os', 'mounts', 'disk']);
  expect(collectFactRefs('params.port > 1')).toEqual([]);
});
