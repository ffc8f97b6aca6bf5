// Lab: a real block device mounted by UUID through file, fstab and mount (check, apply, idempotence, cleanup).
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { labPlaybook, labTempDir, runOnLab, spareDevice } from '../helpers/lab/lab-run.js';

const MOUNT_POINT = '/srv/lab-spare';
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The host's /etc/fstab, its mount table and whether the mount point exists, as one text. */
async function hostSnapshot(host: string): Promise<string> {
  return runInHost(
    host,
    `cat /etc/fstab; echo '--- mounts'; cat /proc/mounts; echo '--- mount point'; ls -ld ${MOUNT_POINT} 2>&1 || true`,
  );
}

async function fstabLines(host: string): Promise<string[]> {
  return (await runInHost(host, 'cat /etc/fstab')).split('\n').filter((line) => line.trim() !== '');
}

describe.each(['deb1', 'rhel1'])('spare block device on %s', (host) => {
  it('--check changes nothing, a real run mounts it by UUID with one fstab line, a second run has nothing to do', async () => {
    const device = spareDevice(host);
    const uuid = (await runInHost(host, `blkid -s UUID -o value ${device}`)).trim();
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    const before = await hostSnapshot(host);
    const fstabBefore = await fstabLines(host);
    try {
      const check = await runOnLab(tmp, labPlaybook('spare-mounted'), { limit: host, check: true });
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.report.hosts[host]?.steps.map((s) => s.status)).toEqual([
        'changed',
        'ok',
        'changed',
        'changed',
      ]);
      expect(await hostSnapshot(host)).toBe(before);

      const apply = await runOnLab(tmp, labPlaybook('spare-mounted'), { limit: host });
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      expect(apply.report.hosts[host]?.steps.map((s) => s.status)).toEqual([
        'changed',
        'ok',
        'changed',
        'changed',
      ]);
      const mounted = await runInHost(host, `findmnt -n -o SOURCE,FSTYPE --mountpoint ${MOUNT_POINT}`);
      expect(mounted.trim().split(/\s+/)).toEqual([device, 'ext4']);
      const fstabAfter = await fstabLines(host);
      expect(fstabAfter.length).toBe(fstabBefore.length + 1);
      expect(fstabAfter.filter((line) => !fstabBefore.includes(line))).toEqual([
        expect.stringMatching(new RegExp(`^UUID=${uuid}\\s+${MOUNT_POINT}\\s+ext4\\s+defaults,nofail\\s`)),
      ]);

      const afterApply = await hostSnapshot(host);
      const again = await runOnLab(tmp, labPlaybook('spare-mounted'), { limit: host });
      expect(again.code).toBe(0);
      expect(again.report.hosts[host]?.recap).toMatchObject({ changed: 0, failed: 0 });
      expect(await hostSnapshot(host)).toBe(afterApply);
    } finally {
      const cleanup = await runOnLab(tmp, labPlaybook('spare-removed'), { limit: host });
      expect(cleanup.code, cleanup.stdout + cleanup.stderr).toBe(0);
    }
    expect(await hostSnapshot(host)).toBe(before);
  });
});
