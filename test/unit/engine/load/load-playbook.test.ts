// A loaded playbook's shape, and the run-time check of a step's resolved `with`.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings under test are `${{ }}` expressions
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../../scripts/core/errors.js';
import { Secret } from '../../../../scripts/core/secret.js';
import { resolveTemplates } from '../../../../scripts/engine/expressions/expressions.js';
import { parsePlaybook } from '../../../../scripts/engine/load/parse-playbook.js';
import { pruneExpressions, validateResolvedWith } from '../../../../scripts/engine/schema/step-with.js';
import { fakeActions } from '../../../helpers/fake-actions.js';

const text = `name: probe
description: a probe with expressions in with
params:
  port: { type: integer, default: 443 }
  password: { type: string, secret: true, env: PW }
steps:
  - name: port answers
    id: probe
    action: tcp
    with:
      port: \${{ params.port }}
      host: "srv-\${{ host.name }}"
  - name: password set
    action: ini
    become: wapt
    when: steps.probe.status == 'ok'
    with: { path: /etc/x.ini, section: s, key: k, value: "\${{ params.password }}" }
`;
const playbook = parsePlaybook('probe.yml', text, { registry: fakeActions });
const [probe, ini] = playbook.steps;
const scope = (port: unknown) => ({
  params: { port, password: new Secret('pw-value-1234') },
  vars: {},
  facts: {},
  host: { name: 'a' },
  steps: {},
});

describe('a loaded playbook', () => {
  it('has defaults filled in and positions kept', () => {
    expect(playbook).toMatchObject({ name: 'probe', hosts: 'all', confirm: false, vars: {}, rescue: [] });
    expect(probe).toMatchObject({
      id: 'probe',
      retries: 0,
      delay: 1,
      ignore_errors: false,
      pos: { line: 7, col: 5 },
    });
    expect(ini).toMatchObject({ become: 'wapt', when: "steps.probe.status == 'ok'" });
    expect(probe.posOf(['port'])).toEqual({ file: 'probe.yml', line: 11, col: 7 });
    expect(probe.posOf(['nope'])).toEqual({ file: 'probe.yml', line: 11, col: 7 });
  });
});

describe('pruneExpressions', () => {
  it('sets aside whole expressions and notes interpolated strings', () => {
    expect(pruneExpressions({ a: '${{ x }}', b: ['${{ y }}'], c: { d: 'n-${{ z }}', e: 1 } })).toEqual({
      value: { c: { d: 'n-${{ z }}', e: 1 } },
      pruned: [['a'], ['b']],
      interpolated: [['c', 'd']],
    });
  });
});

describe('validateResolvedWith', () => {
  it('accepts a good value and fills in schema defaults', () => {
    const resolved = resolveTemplates(probe.with, scope(8443)) as Record<string, unknown>;
    expect(validateResolvedWith(probe, fakeActions.tcp, resolved)).toEqual([]);
    expect(resolved).toEqual({ port: 8443, host: 'srv-a', timeout: 5 });
  });

  it('reports a bad resolved value at the position of its key in the file', () => {
    const resolved = resolveTemplates(probe.with, scope('https')) as Record<string, unknown>;
    const problems = validateResolvedWith(probe, fakeActions.tcp, resolved);
    expect(problems.map(formatProblem)).toEqual([
      'probe.yml:11:7 steps[0].with.port: must be integer, got string',
    ]);
  });

  it('checks a secret value without letting it out', () => {
    const resolved = resolveTemplates(ini.with, scope(1)) as Record<string, unknown>;
    expect(validateResolvedWith(ini, fakeActions.ini, resolved)).toEqual([]);
    expect(String(resolved.value)).toBe('***');
  });
});
