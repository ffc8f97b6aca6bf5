// fromJson(): reading JSON text (an http step's body) inside expressions.
import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../../../../scripts/engine/expressions/expressions.js';

const body = '{"success": true, "result": {"version": "1.8.2.7", "uuid": "abc", "__proto__": {"x": 1}}}';
const scope = { params: {}, vars: {}, facts: {}, host: {}, steps: { ping: { body, empty: '' } } };
const ev = (expr: string) => evaluateExpression(expr, scope);

describe('fromJson', () => {
  it('reads members of a JSON body', () => {
    expect(ev('fromJson(steps.ping.body).result.version')).toBe('1.8.2.7');
    expect(ev("'v' + fromJson(steps.ping.body).result.uuid")).toBe('vabc');
  });

  it('is null for missing or non-JSON text, so a failed step reads as undefined members', () => {
    expect(ev('fromJson(steps.ping.empty)')).toBeNull();
    expect(ev('fromJson(steps.other.body)')).toBeNull();
    expect(ev('fromJson(steps.other.body).result.version')).toBeUndefined();
  });

  it('refuses non-strings and keeps unsafe keys unreadable', () => {
    expect(() => ev('fromJson(1)')).toThrow(/fromJson\(\) needs a string/);
    expect(() => ev('fromJson(steps.ping.body).result.__proto__')).toThrow(/not allowed/);
  });
});
