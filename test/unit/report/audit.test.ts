import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../../scripts/core/redact.js';
import { type AuditRun, appendAudit, auditFile, maskSecretKeys } from '../../../scripts/report/audit.js';

const run: AuditRun = {
  playbook: 'migrate-repo',
  params: {
    device: '/dev/sdb1',
    admin_password: 'pw-in-clear',
    nested: { api_token: 'tok-value', ssh: { private_key: 'k', port: 22 } },
    note: 'uses reg-secret-audit inside',
  },
  hosts: ['srv1', 'srv2'],
  check: false,
  exitCode: 2,
  recaps: [
    { host: 'srv1', ok: 3, changed: 1, failed: 0, skipped: 0, unreachable: false, durationMs: 900 },
    {
      host: 'srv2',
      ok: 0,
      changed: 0,
      failed: 0,
      skipped: 0,
      unreachable: true,
      error: 'refused',
      durationMs: 50,
    },
  ],
  durationMs: 1234,
};

describe('audit', () => {
  it('defaults to ~/.local/state and honours an absolute XDG_STATE_HOME only', () => {
    expect(auditFile({ XDG_STATE_HOME: '/var/lib/x' })).toBe('/var/lib/x/waptops/audit.jsonl');
    expect(auditFile({ XDG_STATE_HOME: 'relative' })).toMatch(/\/\.local\/state\/waptops\/audit\.jsonl$/);
  });

  it('masks the value of any secret-looking key at any depth', () => {
    expect(maskSecretKeys(run.params)).toEqual({
      device: '/dev/sdb1',
      admin_password: '***',
      nested: { api_token: '***', ssh: { private_key: '***', port: 22 } },
      note: 'uses reg-secret-audit inside',
    });
  });

  it('appends one line per run to a 0600 file in a 0700 directory, with no secret in it', async () => {
    registerSecret('reg-secret-audit');
    const file = join(await mkdtemp(join(tmpdir(), 'waptops-audit-')), 'state', 'waptops', 'audit.jsonl');
    await appendAudit(run, file);
    await appendAudit({ ...run, check: true, exitCode: 0 }, file);
    expect((await stat(join(file, '..'))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    for (const secret of ['pw-in-clear', 'tok-value', 'reg-secret-audit', '"k"'])
      expect(text).not.toContain(secret);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.check, l.exitCode])).toEqual([
      [false, 2],
      [true, 0],
    ]);
    expect(lines[0]).toMatchObject({
      user: expect.any(String),
      controller: expect.any(String),
      pid: process.pid,
      playbook: 'migrate-repo',
      hosts: ['srv1', 'srv2'],
      durationMs: 1234,
      recaps: {
        srv1: { ok: 3, changed: 1, failed: 0, skipped: 0, unreachable: false },
        srv2: { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: true },
      },
      params: { admin_password: '***', note: 'uses *** inside' },
    });
    expect(Number.isNaN(Date.parse(lines[0].time))).toBe(false);
  });
});
