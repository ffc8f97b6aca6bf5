// SshTransport against a real throwaway OpenSSH server: framing, become, SFTP, host keys, jump, hold.

import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError, HostKeyError } from '../../../scripts/core/errors.js';
import { Secret } from '../../../scripts/core/secret.js';
import { becomeShell } from '../../../scripts/transport/become.js';
import { argv, raw, withStdin } from '../../../scripts/transport/command.js';
import { fingerprint } from '../../../scripts/transport/known-hosts.js';
import { SshTransport } from '../../../scripts/transport/ssh.js';
import type { SshConfig } from '../../../scripts/transport/ssh-connect.js';
import { generateKey, sshConfigFor, startTestSshd, type TestSshd } from '../../helpers/test-sshd.js';

let sshd: TestSshd;
let t: SshTransport;
let home: string;

function config(over: Partial<SshConfig> = {}): SshConfig {
  return sshConfigFor(sshd, { keepaliveIntervalMs: 5_000, ...over });
}

async function connectWith(over: Partial<SshConfig>): Promise<SshTransport> {
  const other = new SshTransport(config(over));
  await other.connect();
  return other;
}

beforeAll(async () => {
  sshd = await startTestSshd();
  t = new SshTransport(config());
  await t.connect();
  home = (await t.run(raw('mktemp -d "$HOME/sftp.XXXXXX"'))).stdout.trim();
});

afterAll(async () => {
  await t?.run(argv('rm', '-rf', home));
  await t?.close();
  await sshd?.stop();
});

describe('SshTransport.run over the persistent shell', () => {
  it('separates stdout, stderr and the exit code', async () => {
    const r = await t.run(raw('echo out; echo err >&2; exit 3'));
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  });

  it('runs many commands in the same remote shell', async () => {
    const pids = new Set<string>();
    for (let i = 0; i < 40; i++) pids.add((await t.run(raw('echo $$'))).stdout);
    expect(pids.size).toBe(1);
  });

  it('keeps output without a final newline and queues concurrent commands', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => t.run(raw(`printf %s ${i}; printf e${i} >&2`))),
    );
    expect(results.map((r) => [r.stdout, r.stderr])).toEqual([1, 2, 3, 4, 5].map((i) => [`${i}`, `e${i}`]));
  });

  it('passes arguments with quotes, newlines and $() through literally', async () => {
    const tricky = `it's "quoted" $(id) \`id\` $HOME; exit 7\nsecond line\\n`;
    const r = await t.run(argv('printf', '%s', tricky));
    expect(r).toMatchObject({ code: 0, stdout: tricky });
  });

  it('survives a syntax error and an exit in a command', async () => {
    const before = (await t.run(raw('echo $$'))).stdout;
    expect((await t.run(raw("echo 'unterminated"))).code).not.toBe(0);
    expect((await t.run(raw('exit 0'))).code).toBe(0);
    expect((await t.run(raw('echo $$'))).stdout).toBe(before);
  });

  it('feeds stdin bytes, binary included, without putting them in argv', async () => {
    const bytes = randomBytes(100_000);
    const r = await t.run(withStdin(argv('sha256sum'), bytes));
    expect(r.stdout.split(' ')[0]).toBe(createHash('sha256').update(bytes).digest('hex'));
    // A secret larger than a pipe keeps printf and base64 blocked while the command lists every argv.
    const value = 's3cr3t-value-XYZ'.repeat(20_000);
    const listAll = `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f"; echo; done 2>/dev/null; cat | wc -c`;
    const listing = await t.run(withStdin(raw(listAll), new Secret(value)));
    expect(listing.code).toBe(0);
    expect(listing.stdout).toContain('sshd:');
    expect(listing.stdout.trim().split('\n').at(-1)).toBe(String(value.length));
    expect(listing.stdout).not.toContain('s3cr3t');
    expect(listing.stdout).not.toContain(Buffer.from(value).toString('base64').slice(0, 40));
  });

  it('gives an empty stdin to commands that read it', async () => {
    expect(await t.run(raw('cat; echo end'))).toMatchObject({ code: 0, stdout: 'end\n' });
  });

  it('times a command out and keeps the shell usable', async () => {
    const r = await t.run(raw('echo started; sleep 30'), { timeoutMs: 1000 });
    expect(r).toMatchObject({ timedOut: true, code: 124, stdout: 'started\n' });
    expect((await t.run(raw('echo again'))).stdout).toBe('again\n');
  });

  it('does not call a quick exit 124 a timeout', async () => {
    expect(await t.run(raw('exit 124'), { timeoutMs: 30_000 })).toMatchObject({ code: 124, timedOut: false });
  });

  it('streams output live without the end markers', async () => {
    const chunks: [string, string][] = [];
    const r = await t.run(raw('echo a; sleep 0.3; echo b; echo c >&2'), {
      onOutput: (stream, chunk) => chunks.push([stream, chunk]),
    });
    const joined = (s: string) =>
      chunks
        .filter(([k]) => k === s)
        .map(([, c]) => c)
        .join('');
    expect(joined('stdout')).toBe(r.stdout);
    expect(joined('stderr')).toBe('c\n');
    expect(r.stdout).toBe('a\nb\n');
    expect(chunks.filter(([k]) => k === 'stdout').length).toBeGreaterThan(1);
  });

  it('opens a new shell when the old one died', async () => {
    const before = (await t.run(raw('echo $$'))).stdout;
    await expect(t.run(raw('kill -9 $$'))).rejects.toBeInstanceOf(ConnectError);
    const after = await t.run(raw('echo $$'));
    expect(after.code).toBe(0);
    expect(after.stdout).not.toBe(before);
  });
});

describe('become', () => {
  it('runs as the login user, as root and as another user', async () => {
    expect((await t.run(raw('id -un'))).stdout).toBe('waptops-test\n');
    expect((await t.run(raw('id -u'), { shell: becomeShell(true) })).stdout).toBe('0\n');
    expect((await t.run(raw('id -un'), { shell: becomeShell('nobody') })).stdout).toBe('nobody\n');
    expect((await t.run(raw('id -u'), { shell: becomeShell(true) })).stdout).toBe('0\n');
  });

  it('explains a sudo that asks for a password', async () => {
    const refused = t.run(raw('id -u'), { shell: becomeShell('daemon') });
    await expect(refused).rejects.toBeInstanceOf(ConnectError);
    await expect(refused).rejects.toMatchObject({ hint: expect.stringMatching(/passwordless sudo/) });
    expect((await t.run(raw('echo still'))).stdout).toBe('still\n');
  });
});

describe('SFTP', () => {
  it('puts bytes and a file with a mode, reports progress, and gets them back', async () => {
    const bytes = randomBytes(300_000);
    const progress: [number, number][] = [];
    await t.put(bytes, `${home}/blob`, { mode: 0o600, onProgress: (d, n) => progress.push([d, n]) });
    expect((await t.get(`${home}/blob`)).equals(bytes)).toBe(true);
    expect((await t.run(argv('stat', '-c', '%a', `${home}/blob`))).stdout).toBe('600\n');
    expect(progress.at(-1)).toEqual([300_000, 300_000]);
    expect(progress.every(([d], i) => i === 0 || d >= progress[i - 1][0])).toBe(true);
    const local = path.join(sshd.dir, 'local-file');
    await writeFile(local, 'from a file\n');
    await t.put(local, `${home}/copied`);
    expect((await t.get(`${home}/copied`)).toString()).toBe('from a file\n');
  });

  it('resumes an upload after the bytes already there, and restarts a longer file', async () => {
    const bytes = randomBytes(200_000);
    await t.put(bytes.subarray(0, 70_000), `${home}/partial`);
    const progress: number[] = [];
    await t.put(bytes, `${home}/partial`, { resume: true, onProgress: (d) => progress.push(d) });
    expect(progress[0]).toBe(70_000);
    expect((await t.get(`${home}/partial`)).equals(bytes)).toBe(true);
    await t.put(bytes.subarray(0, 1000), `${home}/partial`, { resume: true });
    expect((await t.get(`${home}/partial`)).equals(bytes.subarray(0, 1000))).toBe(true);
  });

  it('fails a download of a missing file with the path', async () => {
    await expect(t.get(`${home}/missing`)).rejects.toThrow(/missing/);
  });
});

describe('host keys', () => {
  const serverKey = () => Buffer.from(sshd.hostKey.split(' ')[1], 'base64');

  it('refuses an unknown host key under the strict policy', async () => {
    const file = path.join(sshd.dir, 'empty_known_hosts');
    await writeFile(file, '');
    const attempt = connectWith({ knownHostsFile: file });
    await expect(attempt).rejects.toBeInstanceOf(HostKeyError);
    await expect(attempt).rejects.toThrow(fingerprint(serverKey()));
  });

  it('accepts and records a new key under accept-new, then trusts it strictly', async () => {
    const file = path.join(sshd.dir, 'sub', 'accept_known_hosts');
    const first = await connectWith({ knownHostsFile: file, hostKeyPolicy: 'accept-new' });
    await first.close();
    expect(await readFile(file, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostKey}\n`);
    const again = await connectWith({ knownHostsFile: file });
    expect((await again.run(raw('echo ok'))).stdout).toBe('ok\n');
    await again.close();
  });

  it('reads hashed known_hosts entries', async () => {
    const file = path.join(sshd.dir, 'hashed_known_hosts');
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${sshd.hostKey}\n`);
    await promisify(execFile)('ssh-keygen', ['-H', '-f', file]);
    expect(await readFile(file, 'utf8')).toMatch(/^\|1\|/);
    const hashed = await connectWith({ knownHostsFile: file });
    await hashed.close();
  });

  it('refuses a changed key even under accept-new, naming both fingerprints and the line', async () => {
    const oldKey = await generateKey(path.join(sshd.dir, 'old_host_key'));
    const file = path.join(sshd.dir, 'changed_known_hosts');
    await writeFile(file, `# earlier\n[127.0.0.1]:${sshd.port} ${oldKey}\n`);
    const attempt = connectWith({ knownHostsFile: file, hostKeyPolicy: 'accept-new' });
    await expect(attempt).rejects.toBeInstanceOf(HostKeyError);
    const err = (await attempt.catch((e) => e)) as HostKeyError;
    expect(err.message).toContain(fingerprint(Buffer.from(oldKey.split(' ')[1], 'base64')));
    expect(err.message).toContain(fingerprint(serverKey()));
    expect(err.message).toContain(`${file}:2`);
    expect(err.hint).toContain(`${file}:2`);
    expect(await readFile(file, 'utf8')).not.toContain(sshd.hostKey);
  });
});

describe('connections', () => {
  it('jumps through a ProxyJump host', async () => {
    const jumped = await connectWith({ jump: config({ host: 'jumphost' }) });
    expect((await jumped.run(raw('id -un'))).stdout).toBe('waptops-test\n');
    await jumped.put(Buffer.from('via jump'), `${home}/jumped`);
    expect((await jumped.get(`${home}/jumped`)).toString()).toBe('via jump');
    await jumped.close();
  });

  it("checks the ProxyJump host's own key: a changed one is refused before the target is reached", async () => {
    const oldKey = await generateKey(path.join(sshd.dir, 'old_jump_host_key'));
    const file = path.join(sshd.dir, 'jump_known_hosts');
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${oldKey}\n`);
    const attempt = connectWith({ jump: config({ host: 'jumphost', knownHostsFile: file }) });
    await expect(attempt).rejects.toBeInstanceOf(HostKeyError);
    await expect(attempt).rejects.toThrow(
      fingerprint(Buffer.from(sshd.hostKey.split(' ')[1] as string, 'base64')),
    );
  });

  it('names the jump host when it cannot reach the target', async () => {
    const closedPort = await freeClosedPort();
    const attempt = connectWith({ port: closedPort, jump: config({ host: 'jumphost' }) });
    await expect(attempt).rejects.toBeInstanceOf(ConnectError);
    await expect(attempt).rejects.toThrow(/jump host jumphost cannot reach/);
  });

  it('reports a refused connection as ConnectError', async () => {
    const attempt = connectWith({ port: await freeClosedPort() });
    await expect(attempt).rejects.toBeInstanceOf(ConnectError);
    await expect(attempt).rejects.toThrow(/connection refused/);
  });

  it('gives up on a server that never speaks SSH', async () => {
    const silent = net.createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const attempt = connectWith({ port, connectTimeoutMs: 500 });
      await expect(attempt).rejects.toBeInstanceOf(ConnectError);
      await expect(attempt).rejects.toMatchObject({ hint: expect.stringMatching(/connectTimeout/) });
    } finally {
      silent.close();
    }
  });

  it('authenticates through ssh-agent when no identityFile is set', async () => {
    const socket = path.join(sshd.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
      await promisify(execFile)('ssh-add', ['-q', sshd.identityFile], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
      });
      process.env.SSH_AUTH_SOCK = socket;
      const viaAgent = await connectWith({ identityFile: undefined });
      expect((await viaAgent.run(raw('id -un'))).stdout).toBe('waptops-test\n');
      await viaAgent.close();
      delete process.env.SSH_AUTH_SOCK;
      await expect(connectWith({ identityFile: undefined })).rejects.toThrow(/no ssh-agent/);
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.kill();
    }
  });

  it('reports a key the server does not accept', async () => {
    const stranger = path.join(sshd.dir, 'stranger_key');
    await generateKey(stranger);
    await expect(connectWith({ identityFile: stranger })).rejects.toThrow(
      /authentication failed as waptops-test/,
    );
  });

  it('rejects runs after the connection dropped, and connects again', async () => {
    const other = await connectWith({});
    // Killing the nearest sshd ancestor (the per-connection process, owned by the user) drops the connection.
    const killSession = `p=$$; while [ "$p" -gt 1 ]; do
      case "$(tr '\\0' ' ' < /proc/$p/cmdline)" in sshd:*) kill -9 "$p"; break;; esac
      p=$(cut -d' ' -f4 /proc/$p/stat); done`;
    await other.run(raw(killSession)).catch(() => undefined);
    await expect(other.run(raw('echo x'))).rejects.toBeInstanceOf(ConnectError);
    await other.connect();
    expect((await other.run(raw('echo back'))).stdout).toBe('back\n');
    await other.close();
  });
});

describe('hold', () => {
  it('gives the first line and ends the process on release', async () => {
    const held = await t.hold(raw('echo "ready $$"; cat >/dev/null; echo finished >&2'));
    const [word, pid] = (await held.firstLine).split(' ');
    expect(word).toBe('ready');
    expect((await t.run(argv('kill', '-0', pid))).code).toBe(0);
    await held.release();
    expect(await held.exited).toBe(0);
    expect((await t.run(argv('kill', '-0', pid))).code).not.toBe(0);
  });

  it('resolves firstLine with what was printed when the process ends early', async () => {
    const held = await t.hold(raw('printf partial; exit 4'));
    expect(await held.firstLine).toBe('partial');
    expect(await held.exited).toBe(4);
  });
});

function freeClosedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
