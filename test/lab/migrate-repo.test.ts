// Lab: migrate-repo on deb1 and rhel1 — refusals leave the host untouched, --check changes nothing, a real
// run moves the repository with every attribute kept, a second run changes nothing, a reboot mounts it from
// fstab, and migrate-repo-finalize removes the original only then.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { rebootHost } from '../../scripts/lab/reboot.js';
import { packagesFileSha, repoFingerprint, servedPackages } from '../helpers/lab/fingerprint.js';
import { type LabRun, labTempDir, runOnLab } from '../helpers/lab/lab-run.js';
import { repoSourceOf } from '../helpers/lab/repository.js';
import {
  freshSpare,
  resetRepository,
  spareOf,
  spareUuid,
  withSpareInFstab,
  withSpareMounted,
  withSpareNonEmpty,
  withSpareUnformatted,
} from '../helpers/lab/spare-state.js';

const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Everything a refused or --check run must leave as it was: fstab, mounts, the source, the spare, services. */
async function hostState(host: string): Promise<string> {
  const src = repoSourceOf(host);
  const dev = spareOf(host);
  const outside = await runInHost(
    host,
    `cat /etc/fstab; echo '--- mounts'; cat /proc/self/mountinfo | cut -d ' ' -f 4-6,9 | sort; echo '--- source'; ls -la --time-style=full-iso ${src} ${src}.pre-migrate-* 2>&1; echo '--- spare'; dumpe2fs -h ${dev} 2>/dev/null | grep -E 'Free blocks|Free inodes|mount count'; echo '--- services'; systemctl is-active nginx waptserver wapttasks; find /var/lib/waptops -type f 2>&1 || true`,
  );
  return `${outside}\n--- fingerprint\n${await repoFingerprint(host, src)}`;
}

/** The fstab lines that mount something on the source. */
async function fstabLinesFor(host: string): Promise<string[]> {
  const src = repoSourceOf(host);
  return (await runInHost(host, 'cat /etc/fstab'))
    .split('\n')
    .filter((line) => line.trim().split(/\s+/)[1] === src && !line.trim().startsWith('#'));
}

function migrate(host: string, params: Record<string, string> = {}, check = false): Promise<LabRun> {
  return runOnLab(tmp, 'migrate-repo', {
    limit: host,
    params: { device: spareOf(host), ...params },
    check,
    yes: true,
  });
}

describe.each(['deb1', 'rhel1'])('migrate-repo on %s', (host) => {
  beforeAll(async () => {
    await resetRepository(host);
    await freshSpare(host);
  });
  afterAll(async () => {
    await resetRepository(host);
    await freshSpare(host);
  });

  const refused = async (params: Record<string, string>, code: number, message: RegExp) => {
    const r = await migrate(host, params);
    expect(r.code, r.stdout + r.stderr).toBe(code);
    expect(r.stdout + r.stderr).toMatch(message);
  };

  it('refuses a device too small for the repository + 10 %, host untouched', async () => {
    const src = repoSourceOf(host);
    await runInHost(host, `fallocate -l 1100M ${src}/waptops-too-big`);
    try {
      const before = await hostState(host);
      await refused({}, 2, /free but .* uses .* needed with 10 % margin\); choose a larger device/);
      expect(await hostState(host)).toBe(before);
    } finally {
      await runInHost(host, `rm -f ${src}/waptops-too-big`);
    }
  });

  it('refuses a bad device with one clear line and leaves the host untouched', async () => {
    const before = await hostState(host);
    await refused({ device: '/dev/waptops-missing' }, 2, /does not exist; list the disks with lsblk/);
    await refused({ device: '/dev/null' }, 2, /is not a block device/);
    await expect(
      runOnLab(tmp, 'migrate-repo', { limit: host, params: { device: '/dev/sdb1;reboot' }, yes: true }),
    ).rejects.toThrow(/no JSON report[\s\S]*device[\s\S]*pattern/);
    await withSpareMounted(host, () => refused({}, 2, /is mounted \(.*\/mnt\/lab-busy/));
    await withSpareInFstab(host, () => refused({}, 2, /\/etc\/fstab already names/));
    await withSpareNonEmpty(host, () => refused({}, 2, /is not empty \(.*lab-not-empty\.txt/));
    await withSpareUnformatted(host, () => refused({}, 2, /has no filesystem; rerun with -e format=true/));
    expect(await hostState(host)).toBe(before);
  });

  it('--check changes nothing; a run migrates with every attribute kept; a second run changes nothing', async () => {
    const src = repoSourceOf(host);
    const before = await hostState(host);
    const fingerprint = await repoFingerprint(host, src);
    const served = await servedPackages(host);
    expect(served.status).toBe(200);

    const check = await migrate(host, {}, true);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/ready to move .* UUID=[0-9a-f-]{36} .* defaults 0 2/);
    expect(await hostState(host)).toBe(before);

    const run = await migrate(host);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await repoFingerprint(host, src, { exclude: ['lost+found'] })).toBe(fingerprint);
    expect(await servedPackages(host)).toEqual(served);
    expect(served.sha256).toBe(await packagesFileSha(host));
    const uuid = await spareUuid(host);
    expect(await fstabLinesFor(host)).toEqual([`UUID=${uuid} ${src} ext4 defaults 0 2`]);
    expect((await runInHost(host, `findmnt -n -o SOURCE,TARGET --mountpoint ${src}`)).trim()).toBe(
      `${spareOf(host)} ${src}`,
    );
    expect((await runInHost(host, `ls -d ${src}.pre-migrate-*`)).trim()).toMatch(/pre-migrate-\d{8}-\d{6}$/);
    // Journal and job files are gone once the run succeeded.
    expect(await runInHost(host, 'find /var/lib/waptops -type f')).toBe('');

    const again = await migrate(host);
    expect(again.code).toBe(0);
    expect(again.report.hosts[host]?.recap?.changed).toBe(0);
    expect(again.stdout).toMatch(/already migrated/);
  });

  it('the host reboots with the partition mounted from fstab; finalize then removes the original', async () => {
    const src = repoSourceOf(host);
    const fingerprint = await repoFingerprint(host, src, { exclude: ['lost+found'] });
    await rebootHost(host);
    expect((await runInHost(host, `findmnt -n -o SOURCE --mountpoint ${src}`)).trim()).toBe(spareOf(host));
    expect(await repoFingerprint(host, src, { exclude: ['lost+found'] })).toBe(fingerprint);
    expect((await servedPackages(host)).status).toBe(200);

    const check = await runOnLab(tmp, 'migrate-repo-finalize', { limit: host, check: true, yes: true });
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/pre-migrate-/);
    expect((await runInHost(host, `ls -d ${src}.pre-migrate-* | wc -l`)).trim()).toBe('1');
    const fin = await runOnLab(tmp, 'migrate-repo-finalize', { limit: host, yes: true });
    expect(fin.code, fin.stdout).toBe(0);
    expect(fin.stdout).toMatch(/removed .*pre-migrate-/);
    expect((await runInHost(host, `ls -d ${src}.pre-migrate-* 2>/dev/null | wc -l`)).trim()).toBe('0');
    expect(await repoFingerprint(host, src, { exclude: ['lost+found'] })).toBe(fingerprint);
  });
});
