// tree_copy for real on local temp dirs: what the copy keeps, that a second run changes nothing, what verify catches.
import { execFileSync } from 'node:child_process';
import {
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clearTreeCommand,
  copyProgressCommand,
  treeCopyCommand,
  treeVerifyCommand,
} from '../../../scripts/actions/lib/tree-copy-script.js';
import { treeCopyAction } from '../../../scripts/actions/tree-copy.js';
import { applyLocal, localContext } from '../../helpers/apply-local.js';
import { runLocal } from '../../helpers/local-context.js';

const root = mkdtempSync(join(tmpdir(), 'waptops-tree-copy-'));
const src = join(root, 'src');
const dest = join(root, 'dest');
const oddName = `it's "odd"\nname .wapt`;

function xattrs(path: string): string {
  return execFileSync('getfattr', ['-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', path], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter((l) => l.includes('='))
    .join('\n');
}

beforeAll(() => {
  mkdirSync(join(src, 'wapt', 'empty dir'), { recursive: true });
  mkdirSync(join(dest, 'lost+found'), { recursive: true });
  writeFileSync(join(dest, 'lost+found', '#12'), 'fsck leftovers');
  writeFileSync(join(src, 'wapt', 'tool_1.0_all.wapt'), Buffer.alloc(300_000, 7));
  linkSync(join(src, 'wapt', 'tool_1.0_all.wapt'), join(src, 'wapt', 'tool-link.wapt'));
  writeFileSync(join(src, 'wapt', oddName), 'quotes, spaces and a newline');
  writeFileSync(join(src, 'wapt', 'Packages'), 'zip bytes');
  execFileSync('setfacl', ['-m', 'u:nobody:r', join(src, 'wapt', 'Packages')]);
  execFileSync('setfattr', ['-n', 'user.x', '-v', 'kept', join(src, 'wapt', 'Packages')]);
  symlinkSync('tool_1.0_all.wapt', join(src, 'wapt', 'latest.wapt'));
  execFileSync('chown', ['-h', 'nobody:nogroup', join(src, 'wapt', 'latest.wapt')]);
  utimesSync(
    join(src, 'wapt', 'Packages'),
    new Date('2020-01-02T03:04:05Z'),
    new Date('2020-01-02T03:04:05Z'),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tree_copy on local directories', () => {
  it('copies, preserving hard links, ACLs, xattrs, odd names, empty dirs, symlinks and times, and verifies', async () => {
    const params = { src, dest, undo_clear: true };
    const { plan, failure } = await applyLocal(treeCopyAction, params);
    expect(failure?.stderr).toBeUndefined();
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]?.summary).toBe(`copy ${src} -> ${dest} (4 files, 0.00 GiB) and verify`);
    expect(plan.data).toEqual({ files: 4, bytes: 600_000 + 28 + 9 });

    const copied = join(dest, 'wapt');
    expect(lstatSync(join(copied, 'tool-link.wapt')).ino).toBe(
      lstatSync(join(copied, 'tool_1.0_all.wapt')).ino,
    );
    expect(readFileSync(join(copied, oddName), 'utf8')).toBe('quotes, spaces and a newline');
    expect(readdirSync(join(copied, 'empty dir'))).toEqual([]);
    expect(readlinkSync(join(copied, 'latest.wapt'))).toBe('tool_1.0_all.wapt');
    expect(lstatSync(join(copied, 'latest.wapt')).uid).toBe(lstatSync(join(src, 'wapt', 'latest.wapt')).uid);
    expect(lstatSync(join(copied, 'Packages')).mtimeMs).toBe(
      lstatSync(join(src, 'wapt', 'Packages')).mtimeMs,
    );
    expect(xattrs(join(copied, 'Packages'))).toBe(xattrs(join(src, 'wapt', 'Packages')));
    expect(xattrs(join(copied, 'Packages'))).toMatch(/system\.posix_acl_access=.*\nuser\.x=0x6b657074/);
  });

  it('the job prints the verified line last', async () => {
    const r = await runLocal(treeVerifyCommand({ src, dest, strict: true }));
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').pop()).toBe('verified 4 files, 600037 bytes');
  });

  it('a second run is ok with no change once the copy verifies', async () => {
    const { plan, shown } = await applyLocal(treeCopyAction, { src, dest, undo_clear: true });
    expect(shown).toEqual([]);
    expect(plan.changes).toEqual([]);
    expect(plan.reason).toBe(`${dest} already holds a copy of ${src}: verified 4 files, 600037 bytes`);
  });

  it('progress is the growth of the destination filesystem, never negative', async () => {
    expect(Number((await runLocal(copyProgressCommand(dest, 0))).stdout)).toBeGreaterThan(0);
    expect((await runLocal(copyProgressCommand(dest, Number.MAX_SAFE_INTEGER))).stdout).toBe('0\n');
  });

  it('a corrupted destination file fails the verification with the file named', async () => {
    const victim = join(dest, 'wapt', 'tool_1.0_all.wapt');
    const bytes = readFileSync(victim);
    bytes[1000] = 8;
    writeFileSync(victim, bytes);
    execFileSync('touch', ['-r', join(src, 'wapt', 'tool_1.0_all.wapt'), victim]);
    const r = await runLocal(treeVerifyCommand({ src, dest, strict: true }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/tool_1\.0_all\.wapt/);
    expect(r.stderr).toMatch(/tree_copy: verification failed: sum of .* differs/);
    const replan = await applyLocal(treeCopyAction, { src, dest, undo_clear: true });
    expect(replan.plan.changes).toHaveLength(1);
    expect(replan.failure).toBeUndefined();
  });

  it('a missing extended attribute in the destination fails the verification', async () => {
    execFileSync('setfattr', ['-x', 'user.x', join(dest, 'wapt', 'Packages')]);
    const r = await runLocal(treeVerifyCommand({ src, dest, strict: true }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/verification failed: xattr/);
  });

  it('the undo empties the destination but leaves lost+found alone', async () => {
    const { plan } = await applyLocal(treeCopyAction, { src, dest, undo_clear: true });
    for (const cmd of plan.changes[0]?.undo ?? []) expect((await runLocal(cmd)).code).toBe(0);
    expect(readdirSync(dest)).toEqual(['lost+found']);
    expect(readFileSync(join(dest, 'lost+found', '#12'), 'utf8')).toBe('fsck leftovers');
    expect((await runLocal(clearTreeCommand(join(root, 'absent')))).code).toBe(0);
  });

  it('refuses a destination that is not a directory', async () => {
    const params = { src, dest: join(root, 'nowhere'), undo_clear: false };
    const plan = treeCopyAction.plan(await treeCopyAction.read(localContext(), params), params);
    expect(plan.failed).toBe(
      `destination ${join(root, 'nowhere')} is not a directory; create or mount it first`,
    );
  });

  it('in --check, a destination an earlier step would create is planned, not refused', async () => {
    const params = { src, dest: join(root, 'not-mounted-yet'), undo_clear: true };
    const plan = treeCopyAction.plan(
      await treeCopyAction.read({ ...localContext(), check: true }, params),
      params,
    );
    expect(plan.failed).toBeUndefined();
    expect(plan.changes[0]?.summary).toBe(`copy ${src} -> ${params.dest} (4 files, 0.00 GiB) and verify`);
    // allocated bytes, as df will see them grow: the hard-linked 300 kB file counts once
    expect(plan.changes[0]?.progress?.total).toBeGreaterThan(300_000);
    expect(plan.changes[0]?.progress?.total).toBeLessThan(600_000);
  });
});

describe('tree_copy onto a full filesystem (root: loop device)', () => {
  it('fails with a clear line when the destination fills up', async () => {
    const image = join(root, 'small.img');
    const mountPoint = join(root, 'small');
    const big = join(root, 'big-src');
    mkdirSync(mountPoint);
    mkdirSync(big);
    writeFileSync(join(big, 'huge.wapt'), Buffer.alloc(16 << 20, 1));
    execFileSync('truncate', ['-s', '8M', image]);
    execFileSync('mkfs.ext4', ['-q', '-F', image]);
    const loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
    try {
      execFileSync('mount', [loop, mountPoint]);
      try {
        const r = await runLocal(treeCopyCommand({ src: big, dest: mountPoint, clear: true, strict: true }));
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(/No space left on device/);
        expect(r.stderr.trim().split('\n').pop()).toBe(
          `tree_copy: copying ${big} to ${mountPoint} failed (see cp above; 'No space left' means ${mountPoint} is full)`,
        );
      } finally {
        execFileSync('umount', [mountPoint]);
      }
    } finally {
      execFileSync('losetup', ['-d', loop]);
    }
  });
});
