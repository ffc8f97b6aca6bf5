// migration_preflight's probes run for real: filesystem images read without mounting, a temp source, a loop device as root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  contentProbeCommand,
  deviceProbeCommand,
  parseContentProbe,
  parseDeviceProbe,
  parseSourceProbe,
  sourceProbeCommand,
} from '../../../../scripts/actions/lib/migrate-probe.js';
import { migrationPreflightAction } from '../../../../scripts/actions/migration-preflight.js';
import { localContext } from '../../../helpers/apply-local.js';
import { runLocal } from '../../../helpers/local-context.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-preflight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function image(name: string, mkfs: string[], populate?: string): string {
  const file = join(dir, name);
  execFileSync('truncate', ['-s', '300M', file]);
  execFileSync(mkfs[0] as string, [...mkfs.slice(1), ...(populate ? ['-d', populate] : []), file]);
  return file;
}

describe('content probe (no mount)', () => {
  it('lists an ext4 filesystem built with files, without . .. and lost+found, and its free bytes', async () => {
    const content = join(dir, 'content');
    mkdirSync(join(content, 'old repo'), { recursive: true });
    writeFileSync(join(content, 'notes.txt'), 'x');
    const file = image('full.ext4', ['mkfs.ext4', '-q', '-F'], content);
    const probe = parseContentProbe((await runLocal(contentProbeCommand(file, 'ext4'))).stdout, 'ext4');
    expect(probe.entries?.sort()).toEqual(['notes.txt', 'old repo']);
    expect(probe.free).toBeGreaterThan(200 * 2 ** 20);
    expect(probe.problem).toBe('');
  });

  it('finds a new ext4 filesystem empty', async () => {
    const file = image('empty.ext4', ['mkfs.ext4', '-q', '-F']);
    expect(
      parseContentProbe((await runLocal(contentProbeCommand(file, 'ext4'))).stdout, 'ext4').entries,
    ).toEqual([]);
  });

  it('finds a new xfs filesystem empty and reads its free bytes', async () => {
    const file = image('empty.xfs', ['mkfs.xfs', '-q', '-f']);
    const probe = parseContentProbe((await runLocal(contentProbeCommand(file, 'xfs'))).stdout, 'xfs');
    expect(probe).toMatchObject({ entries: [], problem: '' });
    expect(probe.free).toBeGreaterThan(200 * 2 ** 20);
  });
});

describe('device and source probes', () => {
  it('tells a missing path from a path that is not a block device', async () => {
    expect(parseDeviceProbe((await runLocal(deviceProbeCommand(join(dir, 'nope')))).stdout)).toMatchObject({
      exists: false,
    });
    expect(parseDeviceProbe((await runLocal(deviceProbeCommand('/dev/null'))).stdout)).toMatchObject({
      exists: true,
      block: false,
    });
  });

  it('reads owner, mode, size, the holding mount and a timestamp of the source', async () => {
    const source = join(dir, 'www dir');
    mkdirSync(source, { mode: 0o750 });
    writeFileSync(join(source, 'Packages'), Buffer.alloc(8192, 1));
    const probe = parseSourceProbe((await runLocal(sourceProbeCommand(source))).stdout);
    expect(probe).toMatchObject({ exists: true, owner: 'root', group: 'root', mode: '0750' });
    expect(probe.used).toBeGreaterThanOrEqual(8192);
    expect(probe.mountTarget).toMatch(/^\//);
    expect(probe.stamp).toMatch(/^\d{8}-\d{6}$/);
  });
});

describe('migration_preflight on a loop device (root)', () => {
  it('reads an empty ext4 loop device as a valid target and plans the migration', async () => {
    const file = image('target.ext4', ['mkfs.ext4', '-q', '-F']);
    const loop = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
    try {
      const uuid = execFileSync('blkid', ['-p', '-s', 'UUID', '-o', 'value', loop], {
        encoding: 'utf8',
      }).trim();
      const source = join(dir, 'www dir');
      const params = { source, device: loop, services: [] };
      const state = await migrationPreflightAction.read(localContext(), params);
      expect(state.device).toMatchObject({ exists: true, block: true, fstype: 'ext4', uuid, mounted: [] });
      expect(state.device.chain[0]).toBe(loop);
      expect(state.content?.entries).toEqual([]);
      const plan = migrationPreflightAction.plan(state, params);
      expect(plan.failed).toBeUndefined();
      expect(plan.data).toMatchObject({
        migrated: false,
        uuid,
        fstype: 'ext4',
        empty: true,
        fstab_line: `UUID=${uuid} ${source.replace(/ /g, '\\040')} ext4 defaults 0 2`,
      });
    } finally {
      execFileSync('losetup', ['-d', loop]);
    }
  });
});
