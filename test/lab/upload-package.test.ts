// Lab: upload-package on deb1 and rhel1 - check mode, upload with owner/mode, listed in Packages, idempotence,
// resume after a cut, a corrupt partial refused by the checksum, and files that are not packages refused.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { runCli } from '../helpers/cli-process.js';
import { labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';
import { putOnHost, removePackage, repoOf, repoSnapshot } from '../helpers/lab/repository.js';
import { makeZip } from '../helpers/make-zip.js';

const HOSTS = ['deb1', 'rhel1'];
const GROUP: Record<string, string> = { deb1: 'www-data', rhel1: 'nginx' };
const FILE = 'lab-upload-test_1.0-1_all.wapt';
const tmp = labTempDir();
const pkg = path.join(tmp, FILE);
let sha256 = '';

beforeAll(() => {
  makeZip(pkg, [
    {
      name: 'WAPT/control',
      data: 'package           : lab-upload-test\nversion           : 1.0-1\narchitecture      : all\n',
    },
    { name: 'setup.py', data: 'def install():\n    pass\n' },
    { name: 'payload/blob.bin', data: randomBytes(3 * 1024 * 1024) },
  ]);
  sha256 = createHash('sha256').update(readFileSync(pkg)).digest('hex');
});

afterAll(async () => {
  for (const host of HOSTS) await removePackage(host, FILE);
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * Where a cut upload's bytes wait on the host: with become, the engine stages an SFTP upload in the login
 * user's ~/.cache/waptops/uploads under a name hashed from its target (scripts/engine/host-session.ts), and
 * copy's resumable target is `.waptops-upload.<sha256 prefix>.<file>.part` in the repository.
 */
function stagedPartial(host: string): string {
  const target = `${repoOf(host)}/.waptops-upload.${sha256.slice(0, 16)}.${FILE}.part`;
  return `/root/.cache/waptops/uploads/${createHash('sha256').update(target).digest('hex').slice(0, 16)}`;
}

async function uploaded(host: string): Promise<string> {
  const repo = repoOf(host);
  return runInHost(
    host,
    `stat -c '%U:%G %a' ${repo}/${FILE}; sha256sum < ${repo}/${FILE} | cut -d ' ' -f 1; unzip -p ${repo}/Packages Packages | grep -c '^filename.*${FILE}'`,
  );
}

describe('upload-package on real hosts', () => {
  it('--check changes nothing; a run uploads, indexes and lists it; a second run changes nothing', async () => {
    try {
      const before = await Promise.all(HOSTS.map(repoSnapshot));
      const check = await runOnLab(tmp, 'upload-package', { check: true, params: { package: pkg } });
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(await Promise.all(HOSTS.map(repoSnapshot))).toEqual(before);
      for (const host of HOSTS)
        expect(stepNamed(check, host, 'upload the package into the repository').message).toBe(
          'would change (check mode)',
        );

      const run = await runOnLab(tmp, 'upload-package', { params: { package: pkg } });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const host of HOSTS) {
        expect(run.report.hosts[host]?.recap).toMatchObject({ changed: 2, failed: 0 });
        expect((await uploaded(host)).trim().split('\n')).toEqual([`wapt:${GROUP[host]} 640`, sha256, '1']);
      }

      const again = await runOnLab(tmp, 'upload-package', { params: { package: pkg } });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      for (const host of HOSTS)
        expect(again.report.hosts[host]?.recap).toMatchObject({ changed: 0, failed: 0 });
    } finally {
      for (const host of HOSTS) await removePackage(host, FILE);
    }
  });

  it('resumes a cut upload from its partial file, and removes a corrupt partial after the checksum fails', async () => {
    const bytes = readFileSync(pkg);
    const half = path.join(tmp, 'half');
    writeFileSync(half, bytes.subarray(0, 1024 * 1024));
    const corrupt = path.join(tmp, 'corrupt');
    writeFileSync(corrupt, Buffer.alloc(1024 * 1024, 0x41));
    const before = await repoSnapshot('rhel1');
    try {
      // deb1 gets a good prefix (resumed), rhel1 a corrupt one of the same size (refused by the checksum).
      for (const [host, partial] of [
        ['deb1', half],
        ['rhel1', corrupt],
      ] as const) {
        putOnHost(host, partial, stagedPartial(host));
      }
      const run = await runOnLab(tmp, 'upload-package', { params: { package: pkg } });
      expect(run.code, run.stdout).toBe(2);
      expect(run.stdout).toMatch(/deb1 \[2\/4\] +progress 1\.0 MiB \/ 3\.0 MiB/);
      expect((await uploaded('deb1')).trim().split('\n')).toEqual(['wapt:www-data 640', sha256, '1']);
      expect(stepNamed(run, 'rhel1', 'upload the package into the repository').message).toMatch(
        /SHA-256 of the upload .* is not .* \(corrupt or changed: it is removed, run again\)/,
      );
      expect(await repoSnapshot('rhel1')).toBe(before);
    } finally {
      for (const host of HOSTS) {
        await runInHost(host, `rm -f ${stagedPartial(host)}`);
        await removePackage(host, FILE);
      }
    }
  });

  it('refuses a file that is not a .wapt package before any upload', async () => {
    const notZip = path.join(tmp, 'notes.wapt');
    writeFileSync(notZip, 'these are notes, not a package\n');
    const before = await Promise.all(HOSTS.map(repoSnapshot));
    const run = await runOnLab(tmp, 'upload-package', { params: { package: notZip } });
    expect(run.code).toBe(2);
    for (const host of HOSTS) {
      expect(run.report.hosts[host]?.recap?.error).toBe(
        `the file is a valid .wapt package: ${notZip} is not a valid .wapt package: not a zip (no zip end-of-central-directory record)`,
      );
      expect(run.report.hosts[host]?.steps).toHaveLength(1);
    }
    const wrongName = await runCli(
      [
        'run',
        'upload-package',
        '-i',
        INVENTORY_FILE,
        '--plain',
        '-e',
        `package=${path.join(tmp, 'notes.txt')}`,
      ],
      { XDG_STATE_HOME: path.join(tmp, 'state') },
    );
    expect(wrongName.code, wrongName.stderr).toBe(1);
    expect(wrongName.stderr).toMatch(/package/);
    expect(await Promise.all(HOSTS.map(repoSnapshot))).toEqual(before);
  });
});
