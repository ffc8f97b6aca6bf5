// Runs the fstab action's real write commands with sh on this machine, against a fake fstab in a temp directory.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
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
import { fstabAction } from '../../../scripts/actions/fstab.js';
import type { Plan } from '../../../scripts/actions/types.js';
import { type Command, renderCommand, stdinBytes } from '../../../scripts/transport/command.js';

function runSh(cmd: Command): { code: number; stderr: string } {
  const r = spawnSync('sh', ['-c', renderCommand(cmd)], { input: stdinBytes(cmd) ?? '', encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

function runAll(cmds: Command[]): { code: number; stderr: string } {
  for (const c of cmds) {
    const r = runSh(c);
    if (r.code !== 0) return r;
  }
  return { code: 0, stderr: '' };
}

let dir: string;
let fstab: string;
let mnt: string;
const original =
  '# static file system information\nproc /proc proc defaults 0 0\nsysfs /sys sysfs defaults 0 0\n';

function planFor(params: Record<string, unknown>): Plan {
  const state = { exists: true, text: readFileSync(fstab, 'utf8'), timestamp: '20240101T000000Z' };
  return fstabAction.plan(state, { file: fstab, path: mnt, ...params } as never);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'waptops-fstab-'));
  fstab = join(dir, 'fstab');
  mnt = join(dir, 'mnt');
  mkdirSync(mnt);
  writeFileSync(fstab, original);
  chmodSync(fstab, 0o640);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fstab write on this machine', () => {
  it('replaces the file atomically after findmnt --verify passed, keeping its mode and a backup', () => {
    // tmpfs needs no device, so findmnt --verify can pass here; the schema alone limits real use to UUID/LABEL/PARTUUID.
    const plan = planFor({ src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', passno: 0 });
    expect(plan.changes).toHaveLength(1);
    const r = runAll(plan.changes[0]?.commands ?? []);
    expect(r).toEqual({ code: 0, stderr: expect.any(String) });
    expect(readFileSync(fstab, 'utf8')).toBe(`${original}tmpfs ${mnt} tmpfs size=1m 0 0\n`);
    expect(statSync(fstab).mode & 0o777).toBe(0o640);
    expect(readFileSync(`${fstab}.waptops-20240101T000000Z`, 'utf8')).toBe(original);
    expect(readdirSync(dir).filter((n) => n.startsWith('.waptops.'))).toEqual([]);
    expect(planFor({ src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', passno: 0 }).reason).toMatch(
      /already in/,
    );
  });

  it('undo puts the backup back', () => {
    const plan = planFor({ src: 'tmpfs', fstype: 'tmpfs', passno: 0 });
    expect(runAll(plan.changes[0]?.commands ?? []).code).toBe(0);
    expect(readFileSync(fstab, 'utf8')).not.toBe(original);
    expect(runAll(plan.changes[0]?.undo ?? []).code).toBe(0);
    expect(readFileSync(fstab, 'utf8')).toBe(original);
    expect(statSync(fstab).mode & 0o777).toBe(0o640);
  });

  it('replaces nothing when findmnt --verify fails, and the failure carries findmnt message', () => {
    const plan = planFor({ src: 'UUID=00000000-dead-beef-0000-000000000000', fstype: 'ext4' });
    const r = runAll(plan.changes[0]?.commands ?? []);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('UUID=00000000-dead-beef-0000-000000000000');
    expect(r.stderr).toMatch(/\[E\]/);
    expect(readFileSync(fstab, 'utf8')).toBe(original);
    expect(readdirSync(dir).sort()).toEqual(['fstab', 'mnt']);
  });

  it('collapses duplicates and removes entries through the same write', () => {
    writeFileSync(fstab, `${original}tmpfs ${mnt} tmpfs defaults 0 0\ntmpfs ${mnt}/ tmpfs size=2m 0 0\n`);
    const collapse = planFor({ src: 'tmpfs', fstype: 'tmpfs', passno: 0 });
    expect(collapse.changes[0]?.summary).toBe(`replace 2 fstab entries for ${mnt} with one`);
    expect(runAll(collapse.changes[0]?.commands ?? []).code).toBe(0);
    expect(readFileSync(fstab, 'utf8')).toBe(`${original}tmpfs ${mnt} tmpfs defaults 0 0\n`);
    const remove = planFor({ state: 'absent' });
    expect(runAll(remove.changes[0]?.commands ?? []).code).toBe(0);
    expect(readFileSync(fstab, 'utf8')).toBe(original);
  });
});
