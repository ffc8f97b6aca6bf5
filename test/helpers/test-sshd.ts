// A throwaway real OpenSSH server on 127.0.0.1 for tests and benchmarks (needs root, openssh-server, sudo).

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SshConfig } from '../../scripts/transport/ssh-connect.js';

const run = promisify(execFile);

/** The unprivileged login user the test server accepts. */
export const TEST_USER = 'waptops-test';

const SSHD = '/usr/sbin/sshd';
const SUDOERS_FILE = `/etc/sudoers.d/${TEST_USER}`;
// Passwordless sudo to anyone, except to `daemon`, which asks for a password (to test that refusal).
const SUDOERS = `${TEST_USER} ALL=(ALL) NOPASSWD: ALL\n${TEST_USER} ALL=(daemon) PASSWD: ALL\n`;

/** A running test server and everything a client needs to reach it. */
export interface TestSshd {
  address: string;
  port: number;
  user: string;
  /** Private key accepted for `user`. */
  identityFile: string;
  /** A known_hosts file that already trusts this server's host key. */
  knownHostsFile: string;
  /** The server's host key line as `type base64`. */
  hostKey: string;
  /** Scratch directory removed by stop(). */
  dir: string;
  /** Process id of the listening sshd (its sessions are its descendants). */
  pid: number;
  stop(): Promise<void>;
}

/** Generates an unencrypted key pair at `file` and returns the public key as `type base64`. */
export async function generateKey(
  file: string,
  type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519',
): Promise<string> {
  await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'waptops-test', '-f', file]);
  return (await readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function ensureTestUser(): Promise<{ uid: number; gid: number; home: string }> {
  try {
    await run('id', ['-u', TEST_USER]);
  } catch {
    // Another test file may be creating the same user right now; only a still-missing user is an error.
    await run('useradd', ['--create-home', '--shell', '/bin/sh', TEST_USER]).catch(() =>
      run('id', ['-u', TEST_USER]),
    );
  }
  // '*' (not '!') so sshd without PAM does not treat the account as locked; no password works anyway.
  await run('usermod', ['-p', '*', TEST_USER]);
  const uid = Number((await run('id', ['-u', TEST_USER])).stdout.trim());
  const gid = Number((await run('id', ['-g', TEST_USER])).stdout.trim());
  const home = (await run('sh', ['-c', `getent passwd ${TEST_USER} | cut -d: -f6`])).stdout.trim();
  await mkdir(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  await chown(home, uid, gid);
  await chown(path.join(home, '.ssh'), uid, gid);
  await writeFile(SUDOERS_FILE, SUDOERS, { mode: 0o440 });
  await chmod(SUDOERS_FILE, 0o440);
  return { uid, gid, home };
}

function waitForPort(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (proc.exitCode !== null) return reject(new Error(`sshd exited ${proc.exitCode}: ${log()}`));
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on ${port}: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** How to start the test server. */
export interface TestSshdOptions {
  /**
   * Run sshd in its own mount namespace with an empty tmpfs on /run/lock, so the run lock its
   * sessions take (/run/lock/waptops.lock) is not shared with other servers on this machine.
   */
  privateRunLock?: boolean;
}

// With a private /run/lock, sshd starts under `unshare` and `exec`s, so the pid stays sshd's.
function sshdCommand(config: string, options: TestSshdOptions): [string, string[]] {
  const sshd = [SSHD, '-D', '-e', '-f', config];
  if (!options.privateRunLock) return [SSHD, sshd.slice(1)];
  const script = 'mount -t tmpfs -o mode=1777 waptops-lock /run/lock && exec "$@"';
  return ['unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...sshd]];
}

/** Starts `sshd -D -e` on a free 127.0.0.1 port with fresh host and client keys. */
export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: run \`make deps\` (installs openssh-server)`);
  if (process.getuid?.() !== 0) throw new Error('the test sshd needs root (it creates a user and runs sshd)');
  const user = await ensureTestUser();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'waptops-sshd-'));
  const hostKey = await generateKey(path.join(dir, 'host_ed25519'));
  const identityFile = path.join(dir, 'client_ed25519');
  const clientKey = await generateKey(identityFile);
  const port = await freePort();
  const authorizedKeys = path.join(user.home, '.ssh', `authorized_keys.${port}`);
  await writeFile(authorizedKeys, `${clientKey}\n`, { mode: 0o600 });
  await chown(authorizedKeys, user.uid, user.gid);
  const knownHostsFile = path.join(dir, 'known_hosts');
  await writeFile(knownHostsFile, `[127.0.0.1]:${port} ${hostKey}\n`);
  const config = path.join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_ed25519')}`,
      'PidFile none',
      `AuthorizedKeysFile ${authorizedKeys}`,
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin no',
      `AllowUsers ${TEST_USER}`,
      'AllowTcpForwarding yes',
      'MaxSessions 64',
      'PrintMotd no',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const [command, args] = sshdCommand(config, options);
  const proc = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const cleanup = async () => {
    await rm(authorizedKeys, { force: true });
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, proc, () => log);
  } catch (e) {
    proc.kill();
    await cleanup();
    throw e;
  }
  return {
    address: '127.0.0.1',
    port,
    user: TEST_USER,
    identityFile,
    knownHostsFile,
    hostKey,
    dir,
    pid: proc.pid as number,
    stop: async () => {
      if (proc.exitCode === null) {
        const ended = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        await ended;
      }
      await cleanup();
    },
  };
}

/** How a client reaches this test server (override any field, e.g. the host name or key policy). */
export function sshConfigFor(sshd: TestSshd, over: Partial<SshConfig> = {}): SshConfig {
  return {
    host: 'testhost',
    address: sshd.address,
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.identityFile,
    knownHostsFile: sshd.knownHostsFile,
    hostKeyPolicy: 'strict',
    connectTimeoutMs: 10_000,
    keepaliveIntervalMs: 10_000,
    ...over,
  };
}
