// Runs every fact's real command with sh on this machine and parses what it printed.
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StepError } from '../../../scripts/core/errors.js';
import { factsByName } from '../../../scripts/facts/index.js';
import { fileSha256Fact, pathFact } from '../../../scripts/facts/path.js';
import { serviceFact } from '../../../scripts/facts/systemd.js';
import type { Fact } from '../../../scripts/facts/types.js';
import { runLocal } from '../../helpers/local-context.js';

async function factOf<T>(f: Fact<T>): Promise<T> {
  return f.parse(await runLocal(f.command));
}

const dir = mkdtempSync(join(tmpdir(), 'waptops-facts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('facts on this machine', () => {
  it('os is Debian', async () => {
    expect(await factOf(factsByName.os)).toMatchObject({ id: 'debian', family: 'debian' });
  });

  it('mounts, disk and block devices list the root filesystem', async () => {
    const mounts = await factOf(factsByName.mounts);
    expect(mounts.find((m) => m.target === '/')?.size).toBeGreaterThan(0);
    const disk = await factOf(factsByName.disk);
    expect(disk.find((d) => d.target === '/')?.size).toBeGreaterThan(0);
    const devices = await factOf(factsByName.blockdevs);
    expect(devices.every((d) => d.path.startsWith('/dev/'))).toBe(true);
  });

  it('systemd and selinux give values of their types', async () => {
    const systemd = await factOf(factsByName.systemd);
    expect(typeof systemd.running).toBe('boolean');
    expect(['enforcing', 'permissive', 'disabled', 'absent']).toContain(await factOf(factsByName.selinux));
  });

  it('a path with a quote and a space is described by stat; a missing one is absent', async () => {
    const file = join(dir, "it's a file");
    writeFileSync(file, 'hello\n');
    chmodSync(file, 0o640);
    expect(await factOf(pathFact(file))).toMatchObject({ exists: true, type: 'file', mode: '0640', size: 6 });
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    expect(await factOf(pathFact(join(dir, 'dangling')))).toMatchObject({ type: 'link' });
    expect(await factOf(pathFact(join(dir, 'missing $(touch x)')))).toEqual({
      path: join(dir, 'missing $(touch x)'),
      exists: false,
      type: 'absent',
    });
    expect(await factOf(fileSha256Fact(file))).toBe(createHash('sha256').update('hello\n').digest('hex'));
    expect(await factOf(fileSha256Fact(dir))).toBeNull();
  });

  it('a unit is a failure of the fact when systemd does not run the host', async () => {
    const systemd = await factOf(factsByName.systemd);
    const unit = factOf(serviceFact('ssh'));
    if (systemd.running) await expect(unit).resolves.toMatchObject({ name: 'ssh' });
    else await expect(unit).rejects.toThrow(StepError);
  });
});
