// Lab: the support the migrate-repo tests stand on: what the repository holds, its fingerprint and what nginx
// serves, the spare device states and their undoing, resetRepository, rebootHost (fstab applied at boot), killSshSessions.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { beforeEach, describe, expect, it } from 'vitest';
import { LAB_FILES } from '../../scripts/lab/config.js';
import { killSshSessions, labHost, runInHost, startNginx, stopNginx } from '../../scripts/lab/faults.js';
import { rebootHost } from '../../scripts/lab/reboot.js';
import { readState } from '../../scripts/lab/state.js';
import { packagesFileSha, repoFingerprint, servedPackages } from '../helpers/lab/fingerprint.js';
import { repoSourceOf } from '../helpers/lab/repository.js';
import {
  BUSY_MOUNT_POINT,
  FSTAB_MOUNT_POINT,
  freshSpare,
  NON_EMPTY_FILE,
  resetRepository,
  spareOf,
  spareUuid,
  withSpareInFstab,
  withSpareMounted,
  withSpareNonEmpty,
  withSpareUnformatted,
} from '../helpers/lab/spare-state.js';

const PROBE = '/root/lab-fingerprint-probe';

/** An ssh client process to the host as root with the lab key and pinned known_hosts. */
function ssh(host: string, command: string): ChildProcess {
  return spawn(
    'ssh',
    [
      '-i',
      LAB_FILES.clientKey,
      '-o',
      `UserKnownHostsFile=${LAB_FILES.knownHosts}`,
      '-o',
      'BatchMode=yes',
    ].concat([`root@${labHost(host).address}`, command]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** The exit code of an ssh command to the host. */
async function sshExitCode(host: string, command: string): Promise<number | null> {
  const [code] = (await once(ssh(host, command), 'exit')) as [number | null];
  return code;
}

/** Where the spare is mounted in the host (targets, sorted). */
async function spareMounts(host: string): Promise<string[]> {
  const out = await runInHost(host, `findmnt -rn -o TARGET -S ${spareOf(host)} || true`);
  return out.split('\n').filter(Boolean).sort();
}

/** Does by hand what a finished migration leaves: the source copied onto the spare, renamed to .pre-migrate-*, the spare mounted there from a UUID fstab line. */
async function migrateByHand(host: string): Promise<void> {
  await runInHost(
    host,
    `set -eu; src=${repoSourceOf(host)} dev=${spareOf(host)}
systemctl stop nginx waptserver wapttasks
tmp=$(mktemp -d); mount "$dev" "$tmp"; cp -a "$src/." "$tmp/"; umount "$tmp"; rmdir "$tmp"
old="$src.pre-migrate-$(date +%Y%m%dT%H%M%S)"; mv "$src" "$old"
mkdir "$src"; chown --reference="$old" "$src"; chmod --reference="$old" "$src"
echo "UUID=$(blkid -p -s UUID -o value "$dev") $src ext4 defaults 0 2" >> /etc/fstab
mount "$src"; systemctl start nginx waptserver wapttasks`,
  );
}

describe.each(['deb1', 'rhel1'])('migrate-repo lab support on %s', (host) => {
  const source = repoSourceOf(host);
  const webUser = host === 'rhel1' ? 'nginx' : 'www-data';

  beforeEach(() => freshSpare(host));

  it('the repository holds what a faithful copy must keep; the tools are there and rsync is not', async () => {
    const lines = (await repoFingerprint(host, source)).split('\n');
    const line = (path: string) => lines.find((entry) => entry.startsWith(`${JSON.stringify(path)}\t`)) ?? '';
    const diff = 'wapt-diff-repos';
    expect(line(`${diff}/site paris/lab-tools latest.wapt`)).toMatch(
      /\tsymlink\twapt:\S+\t.*target="..\/..\/wapt\/lab-tools_1.0-1_all.wapt"/,
    );
    expect(line(`${diff}/empty`)).toMatch(/\tdir\twapt:/);
    expect(lines.filter((entry) => entry.startsWith(`"${diff}/empty/`))).toEqual([]);
    expect(line(`${diff}/site paris/host list.txt`)).toMatch(
      new RegExp(
        `\\tfile\\twapt:\\S+\\t0640\\t.*acl=group::---,mask::r--,other::---,user::rw-,user:${webUser}:r--.*xattr=.*user.wapt.site="paris office"`,
      ),
    );
    expect(line(`${diff}/site paris`)).toContain(`default:user:${webUser}:r-x`);
    expect(line(diff)).toMatch(/\tdir\twapt:\S+\t2750\t/);
    expect(line(`${diff}/README lab.txt`)).toMatch(/\tfile\twapt:\S+\t0644\t/);
    expect(line(`${diff}/sync.sh`)).toMatch(/\tfile\twapt:\S+\t0750\t/);
    const linked = lines.filter((entry) => entry.includes('linked="waptwua/'));
    expect(linked).toHaveLength(2);
    expect(line('wapt/lab-browser_120.0-1_all.wapt')).toContain('user.wapt.origin="lab-sample"');
    const tools = await runInHost(
      host,
      'for t in getfacl setfacl getfattr setfattr debugfs dumpe2fs mkfs.xfs curl rsync; do command -v $t >/dev/null && echo "$t yes" || echo "$t no"; done',
    );
    expect(tools.trim().split('\n')).toEqual([
      ...['getfacl', 'setfacl', 'getfattr', 'setfattr', 'debugfs', 'dumpe2fs', 'mkfs.xfs', 'curl'].map(
        (t) => `${t} yes`,
      ),
      'rsync no',
    ]);
  });

  it('the fingerprint survives cp -a onto the spare, and catches each kind of loss', async () => {
    const original = await repoFingerprint(host, source);
    try {
      await withSpareMounted(host, async () => {
        await runInHost(host, `cp -a ${source}/. ${BUSY_MOUNT_POINT}/copy`);
        expect(await repoFingerprint(host, `${BUSY_MOUNT_POINT}/copy`)).toBe(original);
        await runInHost(host, `rm -rf ${BUSY_MOUNT_POINT}/copy`);
      });
      await runInHost(host, `rm -rf ${PROBE} && cp -a ${source}/. ${PROBE}`);
      expect(await repoFingerprint(host, PROBE)).toBe(original);
      const losses = [
        `chmod 640 "${PROBE}/wapt-diff-repos/README lab.txt"`,
        `chown root "${PROBE}/wapt-diff-repos/sync.sh"`,
        `setfacl -b "${PROBE}/wapt-diff-repos/site paris/host list.txt"`,
        `setfattr -x user.wapt.origin ${PROBE}/wapt/lab-browser_120.0-1_all.wapt`,
        `cd ${PROBE}/waptwua && cp -p windows10.0-kb5034441-x64.cab x && mv x windows10.0-kb5034441-x64.cab`,
        `touch -d 2001-01-01 ${PROBE}/wapt/lab-tools_1.0-1_all.wapt`,
        `printf x | dd of=${PROBE}/wapt/lab-office_16.0-3_all.wapt bs=1 seek=100 conv=notrunc status=none`,
        `ln -sfn ../wapt "${PROBE}/wapt-diff-repos/site paris/lab-tools latest.wapt"`,
        `rmdir ${PROBE}/wapt-diff-repos/empty`,
      ];
      for (const loss of losses) {
        await runInHost(host, `rm -rf ${PROBE} && cp -a ${source}/. ${PROBE} && ${loss}`);
        expect(await repoFingerprint(host, PROBE), loss).not.toBe(original);
      }
    } finally {
      await runInHost(host, `rm -rf ${PROBE}`);
    }
  });

  it('servedPackages is what nginx answers inside the host: the Packages bytes with 200, or nothing when it is down', async () => {
    const onDisk = await packagesFileSha(host);
    expect(onDisk).toMatch(/^[0-9a-f]{64}$/);
    expect(await servedPackages(host)).toEqual({ status: 200, sha256: onDisk });
    await stopNginx(host);
    try {
      expect((await servedPackages(host)).status).toBe(0);
    } finally {
      await startNginx(host);
    }
    expect(await servedPackages(host)).toEqual({ status: 200, sha256: onDisk });
  });

  it('each spare state holds during the callback and is undone afterwards', async () => {
    const device = spareOf(host);
    const fstab = await runInHost(host, 'cat /etc/fstab');
    const uuid = await spareUuid(host);
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);

    await withSpareMounted(host, async () => expect(await spareMounts(host)).toEqual([BUSY_MOUNT_POINT]));
    expect(await spareMounts(host)).toEqual([]);
    expect(await runInHost(host, `test -e ${BUSY_MOUNT_POINT} && echo present || echo absent`)).toBe(
      'absent\n',
    );

    await withSpareInFstab(host, async () => {
      expect(await runInHost(host, 'cat /etc/fstab')).toBe(
        `${fstab}UUID=${uuid} ${FSTAB_MOUNT_POINT} ext4 noauto 0 0\n`,
      );
      expect(await spareMounts(host)).toEqual([]);
    });
    expect(await runInHost(host, 'cat /etc/fstab')).toBe(fstab);

    const listing = `d=$(mktemp -d); mount ${device} "$d"; ls -A "$d"; umount "$d"; rmdir "$d"`;
    await withSpareNonEmpty(host, async () => {
      expect((await runInHost(host, listing)).split('\n')).toEqual([NON_EMPTY_FILE, 'lost+found', '']);
    });
    expect(await runInHost(host, listing)).toBe('lost+found\n');

    await withSpareUnformatted(host, async () => {
      expect(await runInHost(host, `blkid -p ${device} >/dev/null; echo $?`)).toBe('2\n');
    });
    expect(await runInHost(host, `blkid -p -s TYPE -o value ${device}`)).toBe('ext4\n');
    expect(await runInHost(host, listing)).toBe('lost+found\n');
  });

  it('freshSpare cleans a used spare: unmounted, no fstab line, an empty ext4', async () => {
    const fstab = await runInHost(host, 'cat /etc/fstab');
    const uuid = await spareUuid(host);
    await runInHost(
      host,
      `mkdir -p ${BUSY_MOUNT_POINT} && mount ${spareOf(host)} ${BUSY_MOUNT_POINT} && echo data > ${BUSY_MOUNT_POINT}/left-over && echo "UUID=${uuid} ${BUSY_MOUNT_POINT} ext4 defaults 0 2" >> /etc/fstab`,
    );
    await freshSpare(host);
    await runInHost(host, `rmdir ${BUSY_MOUNT_POINT}`);
    expect(await spareMounts(host)).toEqual([]);
    expect(await runInHost(host, 'cat /etc/fstab')).toBe(fstab);
    expect(await spareUuid(host)).not.toBe(uuid);
    expect(
      await runInHost(
        host,
        `d=$(mktemp -d); mount ${spareOf(host)} "$d"; ls -A "$d"; umount "$d"; rmdir "$d"`,
      ),
    ).toBe('lost+found\n');
  });

  it('a hand-made migration survives rebootHost (fstab applied at boot) and resetRepository undoes it', async () => {
    const before = await repoFingerprint(host, source);
    const fstab = await runInHost(host, 'cat /etc/fstab');
    const served = await servedPackages(host);
    const marker = `/root/lab-reboot-${randomBytes(4).toString('hex')}`;
    const initStart = () => runInHost(host, "sed 's/.*) //' /proc/1/stat | cut -d' ' -f20");
    try {
      await migrateByHand(host);
      expect(await spareMounts(host)).toEqual([source]);
      await expect(freshSpare(host)).rejects.toThrow(/resetRepository first/);
      await runInHost(host, `echo kept > ${marker}`);
      const startBefore = await initStart();
      const pidBefore = readState().hosts[host]?.nspawnPid;

      await rebootHost(host);
      expect(readState().hosts[host]?.nspawnPid).not.toBe(pidBefore);
      expect(await initStart()).not.toBe(startBefore);
      expect(await runInHost(host, `cat ${marker}`)).toBe('kept\n');
      expect(await sshExitCode(host, 'true')).toBe(0);
      expect(await runInHost(host, `findmnt -n -o SOURCE,FSTYPE --mountpoint ${source}`)).toMatch(
        new RegExp(`^${spareOf(host)}\\s+ext4\\n$`),
      );
      expect(await repoFingerprint(host, source, { exclude: ['lost+found'] })).toBe(before);
      expect(await servedPackages(host)).toEqual(served);
    } finally {
      await runInHost(host, `rm -f ${marker}`);
      await resetRepository(host);
    }
    expect(await spareMounts(host)).toEqual([]);
    expect(await runInHost(host, 'cat /etc/fstab')).toBe(fstab);
    expect(await repoFingerprint(host, source)).toBe(before);
    expect(await servedPackages(host)).toEqual(served);
    expect(await runInHost(host, 'systemctl is-active nginx waptserver wapttasks')).toBe(
      'active\nactive\nactive\n',
    );
    expect(await resetRepository(host)).toEqual([]);
    await freshSpare(host);
  });

  it('resetRepository puts back a source left renamed without its mount point (a migration cut after the rename)', async () => {
    const before = await repoFingerprint(host, source);
    await runInHost(host, `systemctl stop nginx && mv ${source} ${source}.pre-migrate-20240101T000000`);
    const done = await resetRepository(host);
    expect(done).toEqual([`renamed ${source}.pre-migrate-20240101T000000 back to ${source}`]);
    expect(await repoFingerprint(host, source)).toBe(before);
    expect((await servedPackages(host)).status).toBe(200);
  });

  it('killSshSessions drops open SSH connections at once and keeps the listener', async () => {
    const listener = () => runInHost(host, 'systemctl show -p MainPID --value ssh.service');
    const listenerBefore = await listener();
    const session = ssh(host, 'echo connected; exec sleep 600');
    const [firstOutput] = (await once(session.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
    expect(firstOutput.toString()).toBe('connected\n');
    const exited = once(session, 'exit');
    expect(await killSshSessions(host)).toBeGreaterThan(0);
    expect((await exited)[0]).toBe(255);
    expect(await listener()).toBe(listenerBefore);
    expect(await sshExitCode(host, 'true')).toBe(0);
  });
});
