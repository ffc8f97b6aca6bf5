// Lab: every test file starts from the hosts lab-up made. This file dirties both hosts the way a demo, a test
// stopped half-way or a hand would (migrated repository, re-signed packages, moved certificates, a unit in the
// start-limit state, a changed and re-pinned host key, 443 dropped), then shows that the next lab test files
// pass and that the hosts are byte for byte as they were.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_FILE, LAB_FILES } from '../../scripts/lab/config.js';
import { changeHostKey, dropHttps, pinCurrentHostKey, runInHost } from '../../scripts/lab/faults.js';
import { resetLab } from '../../scripts/lab/reset.js';
import { repoFingerprint } from '../helpers/lab/fingerprint.js';
import { labTempDir, runOnLab, spareDevice } from '../helpers/lab/lab-run.js';
import { repoOf, repoSourceOf, signInPlace } from '../helpers/lab/repository.js';

const HOSTS = ['deb1', 'rhel1'];
const NEXT_FILES = ['test/lab/lint-repo.test.ts', 'test/lab/rotate-signing-key.test.ts'];
const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What a test may rely on: the repository source, certificates, fstab, mounts, units, the spare's content. */
async function hostState(host: string): Promise<string> {
  const rest = await runInHost(
    host,
    `sha256sum /opt/wapt/ssl/* /opt/wapt/waptserver/ssl/* /etc/fstab /opt/wapt/conf/waptserver.ini
     findmnt -n -o TARGET,SOURCE,FSTYPE --target ${repoSourceOf(host)}
     systemctl is-system-running; systemctl --failed --no-legend --plain
     for u in nginx waptserver wapttasks waptservice ssh; do echo "$u $(systemctl show -p ActiveState,Result --value $u | tr '\\n' ' ')"; done
     dumpe2fs -h ${spareDevice(host)} 2>/dev/null | grep -E '^(Free blocks|Inode count|Free inodes):'
     nft list ruleset | wc -l`,
  );
  return `${await repoFingerprint(host, repoSourceOf(host))}${rest}`;
}

/** The controller's lab files a test can edit: the pinned known_hosts and the inventory. */
function controllerFiles(): string {
  return readFileSync(LAB_FILES.knownHosts, 'utf8') + readFileSync(INVENTORY_FILE, 'utf8');
}

/** Runs other lab test files in a vitest of their own (it reuses the running lab); resolves with its exit code and output. */
function runLabFiles(files: string[]): Promise<{ code: number; output: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--project', 'lab', ...files],
      { env: { ...env, FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

let pristine: Record<string, string> = {};
let pristineFiles = '';

beforeAll(async () => {
  pristine = Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await hostState(h)])));
  pristineFiles = controllerFiles();
});

describe('lab hosts are reset before each test file', () => {
  it('a host dirtied every way is back as lab-up made it for the next files, which pass', async () => {
    // deb1: the main job of `make demo`, then its packages re-signed by another key on the spare.
    const migrated = await runOnLab(tmp, 'migrate-repo', {
      limit: 'deb1',
      params: { device: spareDevice('deb1') },
      yes: true,
    });
    expect(migrated.code, migrated.stdout + migrated.stderr).toBe(0);
    for (const host of HOSTS) {
      await runInHost(
        host,
        `cd ${repoOf(host)} && ${signInPlace('/opt/wapt/lab/keys/new.crt', '/opt/wapt/lab/keys/new.pem', '$(ls *.wapt | grep -v bom)')}
         mkdir -p /root/moved-certs && mv /opt/wapt/ssl/*.crt /root/moved-certs/
         for i in 1 2 3 4 5 6 7; do systemctl restart waptservice 2>/dev/null || true; done; systemctl stop waptservice`,
      );
    }
    await changeHostKey('rhel1');
    await pinCurrentHostKey('rhel1');
    await dropHttps('rhel1');

    // The dirt is real: deb1's repository lives on the spare, signers changed, waptservice hit its start limit.
    expect(await runInHost('deb1', `findmnt -n -o SOURCE --target ${repoSourceOf('deb1')}`)).toContain(
      spareDevice('deb1'),
    );
    for (const host of HOSTS) {
      expect(await runInHost(host, 'systemctl show -p Result --value waptservice')).toBe('start-limit-hit\n');
      expect(await runInHost(host, 'ls /opt/wapt/ssl | wc -l')).toBe('0\n');
      expect(await hostState(host)).not.toBe(pristine[host]);
    }
    expect(controllerFiles()).not.toBe(pristineFiles);

    const next = await runLabFiles(NEXT_FILES);
    expect(next.code, next.output).toBe(0);
    expect(next.output).toMatch(/\[lab\] hosts reset in \d+\.\d s/);
    expect(next.output).toMatch(/lab: \d+ passed, 0 failed, 0 skipped/);

    // The next files left their own dirt; the reset before this file's next test would clear it as well.
    await resetLab();
    for (const host of HOSTS) expect(await hostState(host)).toBe(pristine[host]);
    expect(controllerFiles()).toBe(pristineFiles);
  });
});
