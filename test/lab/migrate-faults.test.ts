// Lab: the migrate-repo fault matrix (docs/RELIABILITY.md). The SSH connection is cut (sshd sessions killed,
// the controller killed) after each phase, then the same command is run again: every case must end migrated,
// with the repository's fingerprint unchanged, one fstab line, services running and no journal left. A
// target that fills up mid-copy must roll back with nothing lost.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { killSshSessions, runInHost } from '../../scripts/lab/faults.js';
import { cliArgv } from '../helpers/cli-process.js';
import { repoFingerprint, servedPackages } from '../helpers/lab/fingerprint.js';
import { labTempDir, runOnLab } from '../helpers/lab/lab-run.js';
import { repoSourceOf } from '../helpers/lab/repository.js';
import { freshSpare, resetRepository, spareOf, spareUuid } from '../helpers/lab/spare-state.js';

const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const COPY_JOB_PID = '/var/lib/waptops/jobs/migrate-repo-5-0/pid';
const BIG_FILE = 'waptops-fault-big.bin';

/** Where the connection is cut: a line of the plain output, or the copy job running on the host. */
type Cut = { after: RegExp } | { copyRunning: true };

const COPY_STARTS = /\(detached job\) copy /;

const PHASES: [string, Cut][] = [
  ['services stopped', { after: /\] stop the writers .* \.\.\. changed/ }],
  ['mid-copy', { copyRunning: true }],
  ['after the rename', { after: /\] rename the original .* \.\.\. changed/ }],
  ['after the fstab write', { after: /\] fstab entry by UUID .* \.\.\. changed/ }],
  ['after the mount', { after: /\] mount the repository from fstab \.\.\. changed/ }],
  ['before the services restart', { after: /\] start the writers that were running \.\.\.\n/ }],
];

function args(host: string): string[] {
  return [
    'run',
    'migrate-repo',
    '-i',
    INVENTORY_FILE,
    '--limit',
    host,
    '--plain',
    // the cut waits for the copy job's command line, shown only with --verbose
    '--verbose',
    '--yes',
    '-e',
    `device=${spareOf(host)}`,
  ];
}

async function hostHas(host: string, file: string): Promise<boolean> {
  return (await runInHost(host, `[ -e ${file} ] && echo yes || true`)).trim() === 'yes';
}

/** Runs migrate-repo and, at the cut, freezes the controller, kills the host's sshd sessions, kills the controller. */
function runAndCut(host: string, cut: Cut): Promise<string> {
  const [file, ...argv] = cliArgv(args(host));
  return new Promise((resolve) => {
    const child = spawn(file as string, argv, {
      env: { ...process.env, CI: 'true', XDG_STATE_HOME: path.join(tmp, 'state') },
    });
    let out = '';
    let cutting = false;
    const doCut = async () => {
      if (cutting) return;
      cutting = true;
      child.kill('SIGSTOP');
      await killSshSessions(host);
      child.kill('SIGKILL');
    };
    let copySeen = false;
    const onCopyStart = async () => {
      // The job is launched right after the line: cut once its pid file is there, while it copies. The
      // job's processes are then paused (SIGSTOP) so that it still runs when the re-run arrives; the test
      // resumes them.
      while (!(await hostHas(host, COPY_JOB_PID))) await new Promise((r) => setTimeout(r, 50));
      await runInHost(host, `pkill -STOP -g "$(cat ${COPY_JOB_PID})"`);
      await doCut();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if ('after' in cut && cut.after.test(out)) void doCut();
      if ('copyRunning' in cut && !copySeen && COPY_STARTS.test(out)) {
        copySeen = true;
        void onCopyStart();
      }
    });
    child.on('close', () => resolve(out));
  });
}

/** What must hold after every case: migrated, or (rolledBack) exactly as before. */
async function expectWhole(host: string, fingerprint: string, served: string, migrated: boolean) {
  const src = repoSourceOf(host);
  const fstab = (await runInHost(host, 'cat /etc/fstab'))
    .split('\n')
    .filter((l) => l.split(/\s+/)[1] === src);
  const mounted = (await runInHost(host, `findmnt -n -o SOURCE --mountpoint ${src} || true`)).trim();
  if (migrated) {
    expect(fstab).toEqual([`UUID=${await spareUuid(host)} ${src} ext4 defaults 0 2`]);
    expect(mounted).toBe(spareOf(host));
  } else {
    expect(fstab).toEqual([]);
    expect(mounted).toBe('');
  }
  expect(await runInHost(host, 'findmnt --verify >/dev/null 2>&1 && echo valid || findmnt --verify')).toBe(
    'valid\n',
  );
  expect(await repoFingerprint(host, src, { exclude: ['lost+found'] })).toBe(fingerprint);
  expect((await servedPackages(host)).sha256).toBe(served);
  expect(
    (await runInHost(host, 'systemctl is-active nginx waptserver wapttasks')).trim().split('\n'),
  ).toEqual(['active', 'active', 'active']);
  expect(await hostHas(host, '/var/lib/waptops/journal/migrate-repo.jsonl')).toBe(false);
}

describe.each(['deb1', 'rhel1'])('migrate-repo fault matrix on %s', (host) => {
  let fingerprint = '';
  let served = '';
  beforeAll(async () => {
    await resetRepository(host);
    await freshSpare(host);
    // A big file makes the copy last long enough to be cut (and filled) while it runs.
    await runInHost(host, `head -c 700M /dev/urandom > ${repoSourceOf(host)}/${BIG_FILE}`);
    fingerprint = await repoFingerprint(host, repoSourceOf(host));
    served = (await servedPackages(host)).sha256;
  });
  afterAll(async () => {
    await resetRepository(host);
    await freshSpare(host);
    await runInHost(host, `rm -f ${repoSourceOf(host)}/${BIG_FILE}`);
  });

  it.each(PHASES)('cut %s: the re-run finishes the migration', async (_phase, cut) => {
    const out = await runAndCut(host, cut);
    expect(out).not.toMatch(/RESULT:/);
    expect(await hostHas(host, '/var/lib/waptops/journal/migrate-repo.jsonl')).toBe(true);
    const rerun = runOnLab(tmp, 'migrate-repo', {
      limit: host,
      params: { device: spareOf(host) },
      yes: true,
    });
    if ('copyRunning' in cut) {
      // The job survived the cut (it runs under systemd, outside the SSH session); let its cp go on once
      // the re-run has had time to reach the copy step and attach.
      expect((await runInHost(host, `kill -0 "$(cat ${COPY_JOB_PID})" && echo alive`)).trim()).toBe('alive');
      await new Promise((r) => setTimeout(r, 6000));
      await runInHost(host, `pkill -CONT -g "$(cat ${COPY_JOB_PID})"`);
    }
    const again = await rerun;
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/interrupted run .* resuming it/);
    if ('copyRunning' in cut) {
      expect(again.stdout).toMatch(
        /note: attached to job migrate-repo-5-0, still running from an earlier run/,
      );
    }
    await expectWhole(host, fingerprint, served, true);
    await resetRepository(host);
    await freshSpare(host);
  });

  it('cut mid-copy, then --rollback: the copy job is stopped first and the host is as before', async () => {
    await runAndCut(host, { copyRunning: true });
    const pid = (await runInHost(host, `cat ${COPY_JOB_PID}`)).trim();
    const { stdout: out } = await runOnLab(tmp, 'migrate-repo', {
      limit: host,
      params: { device: spareOf(host) },
      yes: true,
      rollback: true,
    });
    expect(out).toMatch(/ROLLED BACK after "--rollback": 5 change\(s\) undone, host as before/);
    expect((await runInHost(host, `pgrep -g ${pid} || echo none`)).trim()).toBe('none');
    await expectWhole(host, fingerprint, served, false);
  });

  it('the target filling up mid-copy rolls everything back; nothing is lost', async () => {
    // Another writer takes all the space left on the target once the copy has written 200 MiB.
    const filling = runInHost(
      host,
      `t=/run/waptops/migrate-repo; i=0; while [ $i -lt 1200 ]; do
        if [ "$(findmnt -n -o SOURCE --mountpoint $t)" = ${spareOf(host)} ] && [ "$(df --output=used -BM $t | tail -1 | tr -dc 0-9)" -gt 200 ]; then
          fallocate -l $(( $(df --output=avail -B1 $t | tail -1) - 4096 )) $t/other-writer.bin && echo filled; exit 0; fi
        sleep 0.05; i=$((i+1)); done; echo never filled`,
    );
    const out = await runAndCut(host, { after: /(?!)/ });
    expect(await filling).toBe('filled\n');
    expect(out).toMatch(/ROLLED BACK after "copy the repository and verify every file \(detached\): /);
    expect(out).toMatch(/RESULT: .*1 failed.*exit 2/);
    expect(out).toMatch(/No space left on device/);
    await expectWhole(host, fingerprint, served, false);
    expect(await runInHost(host, `ls -d ${repoSourceOf(host)}.pre-migrate-* 2>/dev/null || true`)).toBe('');
  });
});
