// The run lock over SSH, held by the persistent login shell itself: busy for a second run, freed by release
// or by the connection's end (leaving a stale trace), and never inherited by what a step starts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LockError } from '../../../../scripts/core/errors.js';
import { acquireLock, type LockHolder } from '../../../../scripts/engine/host-state/lock.js';
import { sh } from '../../../../scripts/transport/command.js';
import { SshTransport } from '../../../../scripts/transport/ssh.js';
import { sshConfigFor, startTestSshd, type TestSshd } from '../../../helpers/test-sshd.js';

let sshd: TestSshd;
const open: SshTransport[] = [];

const holder = (user: string): LockHolder => ({
  user,
  controller: 'box',
  pid: 7,
  playbook: 'p',
  started: '2026-12-01T00:00:00Z',
});

async function connected(): Promise<SshTransport> {
  const t = new SshTransport(sshConfigFor(sshd, { host: 'h1' }));
  open.push(t);
  await t.connect();
  return t;
}

beforeAll(async () => {
  sshd = await startTestSshd({ privateRunLock: true });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  // Each test starts without a lock file or trace.
  const t = new SshTransport(sshConfigFor(sshd, { host: 'h1' }));
  await t.connect();
  await t.run(sh`rm -f /run/lock/waptops.lock /run/lock/waptops.lock.info`);
  await t.close();
});

afterAll(async () => {
  await sshd?.stop();
});

describe('the run lock held by the login shell', () => {
  it('refuses a second holder, naming the first, until the first releases', async () => {
    const first = await acquireLock(await connected(), holder('alice'));
    const refused = await acquireLock(await connected(), holder('bob')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockError);
    expect((refused as LockError).message).toMatch(/locked by alice@box pid 7 running p/);
    await first.release();
    const second = await acquireLock(await connected(), holder('bob'));
    expect(second.stale).toBeUndefined();
    await second.release();
  });

  it('refused attempts, many at once, each name the holder and leave its line in place', async () => {
    const first = await acquireLock(await connected(), holder('grace'));
    const attempts = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async (i) =>
        acquireLock(await connected(), holder(`other${i}`)).then(
          () => 'locked',
          (e: Error) => e.message,
        ),
      ),
    );
    for (const a of attempts) expect(a).toMatch(/locked by grace@box pid 7 running p/);
    const again = await acquireLock(await connected(), holder('heidi')).catch((e: Error) => e.message);
    expect(again).toMatch(/locked by grace@box/);
    await first.release();
  });

  it('is freed when the connection ends without a release, and the next run sees the stale holder', async () => {
    const t = await connected();
    await acquireLock(t, holder('carol'));
    await t.close();
    const next = await acquireLock(await connected(), holder('dave'));
    expect(next.stale?.user).toBe('carol');
    await next.release();
  });

  it('is not inherited by a process a step leaves running in the background', async () => {
    const t = await connected();
    const lock = await acquireLock(t, holder('erin'));
    const started = await t.run(sh`nohup sleep 30 >/dev/null 2>&1 & echo $!`);
    const pid = started.stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    const fds = await t.run(sh`ls -l /proc/${pid}/fd/`);
    expect(fds.code).toBe(0);
    expect(fds.stdout).not.toMatch(/waptops\.lock/);
    // The shell itself does hold it ($$ in a subshell is the shell's own pid).
    const shellFds = await t.run(sh`ls -l /proc/$$/fd/`);
    expect(shellFds.stdout).toMatch(/9 -> \/run\/lock\/waptops\.lock/);
    await lock.release();
    const next = await acquireLock(await connected(), holder('frank'));
    expect(next.stale).toBeUndefined();
    await next.release();
    await t.run(sh`kill ${pid}`);
  });
});
