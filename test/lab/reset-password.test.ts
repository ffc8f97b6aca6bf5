// Lab: reset-admin-password on deb1 and rhel1 - refused when too short, --check changes nothing, a real run
// changes the hash and proves the login, a second run has nothing to do; the original ini is put back.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getIniValue } from '../../scripts/actions/lib/ini-edit.js';
import { pbkdf2Sha256Verify } from '../../scripts/actions/lib/pbkdf2.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { labTempDir } from '../helpers/lab/lab-run.js';
import { runOnLabWith, stepStatuses } from '../helpers/lab/run-with-env.js';

const HOSTS = ['deb1', 'rhel1'];
const INI = '/opt/wapt/conf/waptserver.ini';
const ADMIN_PASSWORD_FILE = '/var/lib/waptops-lab/admin-password';
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The ini's bytes (base64), mode, owner and group, and its waptops backups, on one host. */
async function iniState(host: string) {
  const out = await runInHost(
    host,
    `base64 -w0 ${INI}; echo; stat -c '%a %U %G' ${INI}; ls ${INI}.waptops-* 2>/dev/null | wc -l`,
  );
  const [content, attributes, backups] = out.trim().split('\n');
  return { content: content as string, attributes: attributes as string, backups: Number(backups) };
}

async function restore(host: string, content: string): Promise<void> {
  await runInHost(
    host,
    `echo '${content}' | base64 -d > ${INI} && rm -f ${INI}.waptops-* && systemctl restart waptserver`,
  );
}

const stepNames = [
  'set wapt_password to the new hash',
  'restart waptserver (it reads the ini at start)',
  'the new password logs in on /api/v3/login',
  'the old password no longer logs in (only when old_password is given)',
];
const expectSteps = (statuses: string[]) =>
  Object.fromEntries(HOSTS.map((h) => [h, stepNames.map((name, i) => [name, statuses[i]])]));

describe('reset-admin-password', () => {
  it('refuses a short password, --check changes nothing, a run sets and proves it, a second run has nothing to do', async () => {
    const oldPassword = readFileSync(ADMIN_PASSWORD_FILE, 'utf8').trim();
    const newPassword = `lab-${randomBytes(9).toString('base64url')}`;
    const secretFile = path.join(tmp, 'new-password');
    writeFileSync(secretFile, `${newPassword}\n`, { mode: 0o600 });
    const before = await Promise.all(HOSTS.map(iniState));
    const limit = ['--limit', HOSTS.join(',')];
    try {
      const short = await runOnLabWith(tmp, 'reset-admin-password', limit, {
        WAPT_NEW_PASSWORD: 'too-short',
      });
      expect(short.code).toBe(1);
      expect(short.stderr).toContain('params.new_password: must NOT have fewer than 10 characters');
      expect(short.stderr).toContain('nothing was run');
      expect(await Promise.all(HOSTS.map(iniState))).toEqual(before);

      const env = { WAPT_NEW_PASSWORD: newPassword, WAPT_OLD_PASSWORD: oldPassword };
      const check = await runOnLabWith(tmp, 'reset-admin-password', [...limit, '--check'], env);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(stepStatuses(check.report)).toEqual(expectSteps(['changed', 'changed', 'skipped', 'skipped']));
      expect(await Promise.all(HOSTS.map(iniState))).toEqual(before);

      const real = await runOnLabWith(tmp, 'reset-admin-password', limit, env);
      expect(real.code, real.stdout + real.stderr).toBe(0);
      expect(stepStatuses(real.report)).toEqual(expectSteps(['changed', 'changed', 'ok', 'ok']));
      for (const [i, host] of HOSTS.entries()) {
        const after = await iniState(host);
        expect(after.attributes).toBe('640 wapt wapt');
        expect(after.backups).toBe(1);
        const text = Buffer.from(after.content, 'base64').toString('utf8');
        const hash = getIniValue(text, 'options', 'wapt_password') as string;
        expect(pbkdf2Sha256Verify(newPassword, hash)).toBe(true);
        const original = Buffer.from(before[i]?.content as string, 'base64').toString('utf8');
        expect(text.replace(hash, 'HASH')).toBe(
          original.replace(getIniValue(original, 'options', 'wapt_password') as string, 'HASH'),
        );
      }
      expect(
        real.stdout + real.stderr + readFileSync(path.join(tmp, 'state/waptops/audit.jsonl'), 'utf8'),
      ).not.toContain(newPassword);

      // Second run: the new password from a file, no old password: nothing to change, that proof skipped.
      const again = await runOnLabWith(tmp, 'reset-admin-password', [
        ...limit,
        '--secret-file',
        `new_password=${secretFile}`,
      ]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(stepStatuses(again.report)).toEqual(expectSteps(['ok', 'skipped', 'ok', 'skipped']));
      for (const host of HOSTS) expect(again.report?.hosts[host]?.recap?.changed).toBe(0);
    } finally {
      await Promise.all(HOSTS.map((host, i) => restore(host, before[i]?.content as string)));
    }
    expect(await Promise.all(HOSTS.map(iniState))).toEqual(before);
  });
});
