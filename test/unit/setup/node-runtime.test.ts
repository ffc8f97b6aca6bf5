// test/setup/node-runtime.sh, which gives the unit and lab suites their Node: the one already first on PATH
// when it is the major asked for, and a clear refusal for a major it pins no version of.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = 'test/setup/node-runtime.sh';
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` };

describe('node-runtime.sh', () => {
  it('gives the bin directory of the node first on PATH when it is the major asked for', () => {
    const major = process.versions.node.split('.')[0] as string;
    const r = spawnSync('bash', [SCRIPT, major], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${path.dirname(process.execPath)}\n`);
  });

  it('refuses a major it pins no version of, in one line', () => {
    const r = spawnSync('bash', [SCRIPT, '21'], { env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('node-runtime.sh: no pinned Node 21 (20, 22 or 24)\n');
    expect(r.stdout).toBe('');
  });
});
