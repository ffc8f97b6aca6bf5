// file, ini, copy and mount read, plan and run for real on this machine (temp directories, a loop device as root).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyAction } from '../../../scripts/actions/copy.js';
import { fileAction } from '../../../scripts/actions/file.js';
import { iniAction } from '../../../scripts/actions/ini.js';
import { mountAction } from '../../../scripts/actions/mount.js';
import type { Action } from '../../../scripts/actions/types.js';
import { Secret } from '../../../scripts/core/secret.js';
import { applyLocal, undoLocal } from '../../helpers/apply-local.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'waptops-apply-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const strayTemps = () => readdirSync(dir).filter((n) => n.startsWith('.waptops'));

describe('file on this machine', () => {
  it('creates with content and mode, then is a no-op, then replaces with a backup that undo restores', async () => {
    const path = join(dir, 'motd');
    const first = await applyLocal(fileAction as Action, { path, content: 'hello\n', mode: '0640' });
    expect(first.failure).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe('hello\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(
      (await applyLocal(fileAction as Action, { path, content: 'hello\n', mode: '640' })).plan.reason,
    ).toMatch(/wanted content/);
    const second = await applyLocal(fileAction as Action, { path, content: 'bye\n', backup: true });
    expect(readFileSync(path, 'utf8')).toBe('bye\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    await undoLocal(second.plan);
    expect(readFileSync(path, 'utf8')).toBe('hello\n');
    expect(strayTemps()).toEqual([]);
  });

  it('sends secret content on stdin only: the shown command and the diff never hold it', async () => {
    const path = join(dir, 'token');
    const applied = await applyLocal(fileAction as Action, { path, content: new Secret('s3cr3t-value') });
    expect(readFileSync(path, 'utf8')).toBe('s3cr3t-value');
    expect(applied.shown.join('\n')).not.toContain('s3cr3t');
    expect(applied.shown[0]).toMatch(/<<< \*\*\*$/);
    expect(JSON.stringify(applied.plan.changes[0]?.diff)).not.toContain('s3cr3t');
  });

  it('manages directories and refuses to remove a non-empty one without recursive', async () => {
    const path = join(dir, 'repo');
    const made = await applyLocal(fileAction as Action, { path, state: 'directory', mode: '0750' });
    expect(statSync(path).isDirectory()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o750);
    expect((await applyLocal(fileAction as Action, { path, state: 'directory' })).plan.reason).toBeDefined();
    writeFileSync(join(path, 'Packages'), 'x');
    const refused = await applyLocal(fileAction as Action, { path, state: 'absent' });
    expect(refused.plan.failed).toMatch(/refusing to remove non-empty directory/);
    expect(existsSync(path)).toBe(true);
    await applyLocal(fileAction as Action, { path, state: 'absent', recursive: true });
    expect(existsSync(path)).toBe(false);
    mkdirSync(path);
    await undoLocal(made.plan);
    expect(existsSync(path)).toBe(false);
  });
});

describe('ini on this machine', () => {
  it('sets a secret value keeping the file mode and layout, then reports already set', async () => {
    const path = join(dir, 'waptserver.ini');
    writeFileSync(path, '; conf\n[options]\ndb_name = wapt\nwapt_password = old\n\n[tasks]\n');
    chmodSync(path, 0o640);
    const params = {
      path,
      section: 'options',
      key: 'wapt_password',
      value: new Secret('$pbkdf2-sha256$29000$abc$def'),
    };
    const applied = await applyLocal(iniAction as Action, params);
    expect(applied.failure).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe(
      '; conf\n[options]\ndb_name = wapt\nwapt_password = $pbkdf2-sha256$29000$abc$def\n\n[tasks]\n',
    );
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(applied.shown.join('\n')).not.toContain('pbkdf2');
    const diff = applied.plan.changes[0]?.diff;
    expect(`${diff?.before}${diff?.after}`).not.toContain('pbkdf2');
    expect(`${diff?.before}${diff?.after}`).not.toContain('old');
    expect((await applyLocal(iniAction as Action, params)).plan.reason).toBe('already set');
  });

  it('creates a missing file and removes a key', async () => {
    const path = join(dir, 'wapt-get.ini');
    await applyLocal(iniAction as Action, {
      path,
      section: 'global',
      key: 'use_fqdn_as_uuid',
      value: 'True',
    });
    expect(readFileSync(path, 'utf8')).toBe('[global]\nuse_fqdn_as_uuid = True\n');
    await applyLocal(iniAction as Action, {
      path,
      section: 'global',
      key: 'use_fqdn_as_uuid',
      state: 'absent',
    });
    expect(readFileSync(path, 'utf8')).toBe('[global]\n');
  });
});

describe('copy on this machine', () => {
  it('uploads, is idempotent by checksum, replaces with a backup that undo restores', async () => {
    const src = join(dir, 'src.pem');
    const dest = join(dir, 'dest', 'cert.pem');
    mkdirSync(join(dir, 'dest'));
    writeFileSync(src, 'one');
    const first = await applyLocal(copyAction as Action, { src, dest, mode: '0440' });
    expect(first.failure).toBeUndefined();
    expect(readFileSync(dest, 'utf8')).toBe('one');
    expect(statSync(dest).mode & 0o777).toBe(0o440);
    expect((await applyLocal(copyAction as Action, { src, dest, mode: '0440' })).plan.reason).toBe(
      'checksum matches',
    );
    writeFileSync(src, 'two');
    const second = await applyLocal(copyAction as Action, { src, dest, backup: true });
    expect(readFileSync(dest, 'utf8')).toBe('two');
    expect(statSync(dest).mode & 0o777).toBe(0o440);
    expect(readdirSync(join(dir, 'dest')).filter((n) => n.startsWith('.waptops'))).toEqual([]);
    await undoLocal(second.plan);
    expect(readFileSync(dest, 'utf8')).toBe('one');
  });

  it('fails the read with a clear message when src is missing', async () => {
    await expect(
      applyLocal(copyAction as Action, { src: join(dir, 'nope'), dest: join(dir, 'x') }),
    ).rejects.toThrow(/cannot read .*nope: ENOENT/);
  });
});

function sh(script: string): { code: number; out: string } {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`.trim() };
}

const canLoopMount =
  process.getuid?.() === 0 && sh('command -v mkfs.ext4 && command -v losetup && losetup -f').code === 0;

describe.skipIf(!canLoopMount)('mount on this machine (root, loop device)', () => {
  it('mounts by UUID, is a no-op when the same, refuses another source or a non-empty directory, unmounts', async () => {
    const image = join(dir, 'fs.img');
    const mnt = join(dir, 'mnt');
    const other = join(dir, 'other');
    mkdirSync(mnt);
    mkdirSync(other);
    writeFileSync(join(other, 'keep'), 'x');
    expect(sh(`truncate -s 8M ${image} && mkfs.ext4 -q ${image}`).code).toBe(0);
    const loop = sh(`losetup -f --show ${image}`).out;
    const uuid = sh(`blkid -p -s UUID -o value ${loop}`).out;
    try {
      const mounted = await applyLocal(mountAction as Action, {
        path: mnt,
        src: `UUID=${uuid}`,
        fstype: 'ext4',
      });
      expect(mounted.failure).toBeUndefined();
      expect(sh(`findmnt -n -o SOURCE ${mnt}`).out).toBe(loop);
      expect((await applyLocal(mountAction as Action, { path: mnt, src: `UUID=${uuid}` })).plan.reason).toBe(
        `already mounted from ${loop}`,
      );
      expect((await applyLocal(mountAction as Action, { path: mnt, src: loop })).plan.reason).toMatch(
        /already mounted/,
      );
      const elsewhere = await applyLocal(mountAction as Action, {
        path: mnt,
        src: 'UUID=00000000-0000-4000-8000-000000000000',
      });
      expect(elsewhere.plan.failed).toMatch(/already mounted from .* not UUID=0000/);
      const nonEmpty = await applyLocal(mountAction as Action, { path: other, src: `UUID=${uuid}` });
      expect(nonEmpty.plan.failed).toMatch(/refusing to mount over non-empty directory/);
      const unmounted = await applyLocal(mountAction as Action, { path: mnt, state: 'unmounted' });
      expect(unmounted.failure).toBeUndefined();
      expect(sh(`findmnt ${mnt}`).code).not.toBe(0);
      await undoLocal(unmounted.plan);
      expect(sh(`findmnt -n -o SOURCE ${mnt}`).out).toBe(loop);
      await undoLocal(mounted.plan);
      expect(sh(`findmnt ${mnt}`).code).not.toBe(0);
    } finally {
      sh(`umount ${mnt} 2>/dev/null; umount ${other} 2>/dev/null; losetup -d ${loop}`);
    }
  });
});
