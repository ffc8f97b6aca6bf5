// Run params: -e coercion, secrets from env/files/prompt only, defaults, and clear problems.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../scripts/core/errors.js';
import { isSecret, type Secret } from '../../../../scripts/core/secret.js';
import { type ParamSources, resolveParams } from '../../../../scripts/engine/load/params.js';
import { parsePlaybook } from '../../../../scripts/engine/load/parse-playbook.js';
import { fakeActions } from '../../../helpers/fake-actions.js';

const playbook = parsePlaybook(
  'p.yml',
  `
name: p
description: params of every kind
params:
  device: { type: string, pattern: '^/dev/', description: block device }
  timeout: { type: integer, minimum: 1, default: 30 }
  force: { type: boolean, default: false }
  units: { type: array, items: { type: string }, default: [nginx] }
  mode: { type: string, enum: [copy, move], default: copy }
  note: { type: string, required: false }
  password: { type: string, secret: true, env: WAPT_PASSWORD, minLength: 8 }
steps:
  - { name: a, action: tcp, with: { port: 443 } }
`,
  { registry: fakeActions },
);

const secretValue = 'correct-horse-battery';
const sources = (over: Partial<ParamSources> = {}): ParamSources => ({
  extra: { device: '/dev/sdb1' },
  secretFiles: {},
  env: { WAPT_PASSWORD: secretValue },
  ...over,
});

async function problems(over: Partial<ParamSources>): Promise<string> {
  try {
    await resolveParams(playbook, sources(over));
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
  return '(no problem found)';
}

describe('resolveParams', () => {
  it('applies defaults, coerces -e text to the declared type, wraps secrets', async () => {
    const values = await resolveParams(
      playbook,
      sources({ extra: { device: '/dev/sdb1', timeout: '60', force: 'true', units: 'nginx, waptserver' } }),
    );
    expect(values).toMatchObject({
      device: '/dev/sdb1',
      timeout: 60,
      force: true,
      mode: 'copy',
      units: ['nginx', 'waptserver'],
    });
    expect(values).not.toHaveProperty('note');
    expect(isSecret(values.password)).toBe(true);
    expect((values.password as Secret).reveal()).toBe(secretValue);
  });

  it('reads a secret from a file, and from the prompt when nothing else gives it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waptops-params-'));
    writeFileSync(join(dir, 'pw'), 'from-the-file-123\n');
    const fromFile = await resolveParams(
      playbook,
      sources({ env: {}, secretFiles: { password: join(dir, 'pw') } }),
    );
    expect((fromFile.password as Secret).reveal()).toBe('from-the-file-123');
    const asked: string[] = [];
    const prompt = async (name: string) => {
      asked.push(name);
      return 'typed-at-the-prompt';
    };
    const prompted = await resolveParams(playbook, sources({ env: {}, prompt }));
    expect(asked).toEqual(['password']);
    expect((prompted.password as Secret).reveal()).toBe('typed-at-the-prompt');
  });

  it('refuses -e for a secret, names unknown params, lists declared ones', async () => {
    expect(await problems({ extra: { device: '/dev/sdb1', password: secretValue, timout: '5' } })).toBe(
      [
        "-e: unknown param 'timout' (declared: device, timeout, force, units, mode, note, password), did you mean 'timeout'?",
        "-e: param 'password' is secret and is not accepted from -e (use env WAPT_PASSWORD, or --secret-file password=FILE, or a prompt (run on a terminal))",
      ].join('\n'),
    );
  });

  it('says how to give a missing param', async () => {
    expect(await problems({ extra: {}, env: {} })).toBe(
      [
        'params.device: missing required param; give it with -e device=VALUE',
        'params.password: missing required param; give it with env WAPT_PASSWORD, or --secret-file password=FILE, or a prompt (run on a terminal)',
      ].join('\n'),
    );
  });

  it('reports values that do not fit, never showing a secret', async () => {
    const message = await problems({
      extra: { device: 'sdb1', timeout: 'soon', mode: 'swap' },
      env: { WAPT_PASSWORD: 'short' },
    });
    expect(message).toBe(
      [
        'params.device: must match pattern "^/dev/" (from -e device \'sdb1\')',
        "params.timeout: must be integer (from -e timeout 'soon')",
        "params.mode: must be one of: copy, move (from -e mode 'swap')",
        'params.password: must NOT have fewer than 8 characters (from env WAPT_PASSWORD)',
      ].join('\n'),
    );
    expect(message).not.toContain('short');
  });

  it('one_of: exactly one param of a group must be given, before any host is contacted', async () => {
    const chooser = parsePlaybook(
      'c.yml',
      `
name: c
description: one source of several
params:
  cert: { type: string, one_of: source, required: false }
  key: { type: string, one_of: source, required: false }
  fingerprint: { type: string, one_of: source, required: false }
steps:
  - { name: a, action: tcp, with: { port: 443 } }
`,
      { registry: fakeActions },
    );
    const resolve = async (extra: Record<string, string>) => {
      try {
        return await resolveParams(chooser, { extra, secretFiles: {}, env: {} });
      } catch (e) {
        if (e instanceof ValidationError) return e.message;
        throw e;
      }
    };
    expect(await resolve({ key: 'old.key' })).toEqual({ key: 'old.key' });
    expect(await resolve({})).toBe('params: give exactly one of cert, key, fingerprint (none was given)');
    expect(await resolve({ cert: 'a.crt', fingerprint: 'ab' })).toBe(
      'params: give exactly one of cert, key, fingerprint (got cert and fingerprint)',
    );
  });
});
