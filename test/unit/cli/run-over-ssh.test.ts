// End to end: `waptops run` against a real OpenSSH server on 127.0.0.1 (check, apply, idempotence, refusals).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../../scripts/engine/host-state/lock.js';
import { sh } from '../../../scripts/transport/command.js';
import { SshTransport } from '../../../scripts/transport/ssh.js';
import { runCli } from '../../helpers/cli-process.js';
import { generateKey, sshConfigFor, startTestSshd, type TestSshd } from '../../helpers/test-sshd.js';

const PLAYBOOK = 'test/fixtures/playbooks/e2e/config-edit.yml';
const TOKEN = `tok-${randomBytes(8).toString('hex')}`;

let sshd: TestSshd;
let tmp: string;
let inventory: string;
let workDir: string;
let stateHome: string;

function inventoryYaml(s: TestSshd, overrides: { port?: number; knownHosts?: string } = {}): string {
  return [
    'defaults:',
    `  user: ${s.user}`,
    `  identity_file: ${s.identityFile}`,
    `  known_hosts: ${overrides.knownHosts ?? s.knownHostsFile}`,
    '  connect_timeout: 5',
    'hosts:',
    '  box1:',
    `    address: ${s.address}`,
    `    port: ${overrides.port ?? s.port}`,
    '',
  ].join('\n');
}

/** Path, type, mode, owner, size and content hash of every entry under dir (or 'absent'). */
function fingerprint(dir: string): string {
  if (!existsSync(dir)) return 'absent';
  const lines: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    const hash = st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : '-';
    lines.push(`${path.relative(dir, p) || '.'} ${st.mode.toString(8)} ${st.uid} ${st.size} ${hash}`);
    if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(path.join(p, e));
  };
  walk(dir);
  return lines.join('\n');
}

function run(extra: string[] = [], env: Record<string, string> = {}) {
  return runCli(['run', PLAYBOOK, '-i', inventory, '-e', `dir=${workDir}`, ...extra], {
    E2E_TOKEN: TOKEN,
    XDG_STATE_HOME: stateHome,
    ...env,
  });
}

beforeAll(async () => {
  // A private /run/lock: other runs on this machine must not hold or see this server's run lock.
  sshd = await startTestSshd({ privateRunLock: true });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-e2e-'));
  stateHome = path.join(tmp, 'state');
  inventory = path.join(tmp, 'inventory.yml');
  await writeFile(inventory, inventoryYaml(sshd));
  workDir = `/home/${sshd.user}/e2e-${randomBytes(4).toString('hex')}`;
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  await rm(tmp, { recursive: true, force: true });
  await sshd?.stop();
});

describe('waptops run over ssh', () => {
  it('--check reports what would change and leaves the host untouched', async () => {
    const before = fingerprint(workDir);
    const report = path.join(tmp, 'check.json');
    const r = await run(['--check', '--json', report]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fingerprint(workDir)).toBe(before);
    expect(r.stdout).toMatch(/work directory exists .*would change/);
    const doc = JSON.parse(readFileSync(report, 'utf8'));
    expect(doc.check).toBe(true);
    expect(doc.hosts.box1.steps.map((s: { status: string }) => s.status)).toEqual([
      'changed',
      'changed',
      'changed',
      'changed',
      'changed',
      'changed',
      'ok',
    ]);
  });

  it('a real run changes the host, through sudo where asked', async () => {
    const r = await run(['--junit', path.join(tmp, 'run.xml')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(`${workDir}/motd.txt`, 'utf8')).toBe('hello from waptops\n');
    expect(statSync(`${workDir}/motd.txt`).mode & 0o777).toBe(0o640);
    const ini = readFileSync(`${workDir}/server.ini`, 'utf8');
    expect(ini).toContain('port = 8080');
    expect(ini).toContain(`token = ${TOKEN}`);
    expect(statSync(`${workDir}/root-owned`).uid).toBe(0);
    expect(existsSync(`${workDir}/marker`)).toBe(true);
    expect(r.stdout).toMatch(/RESULT: .*exit 0/);
    expect(readFileSync(path.join(tmp, 'run.xml'), 'utf8')).toContain('<testsuite');
  });

  it('a second run reports no change', async () => {
    const before = fingerprint(workDir);
    const report = path.join(tmp, 'again.json');
    const r = await run(['--json', report]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(report, 'utf8'));
    expect(doc.hosts.box1.recap).toMatchObject({ changed: 0, failed: 0 });
    expect(fingerprint(workDir)).toBe(before);
  });

  it('never shows the secret: not in output, reports, the audit log or a diff', async () => {
    const report = path.join(tmp, 'secret.json');
    await writeFile(`${workDir}/server.ini`, '[options]\nport = 8080\ntoken = old\n');
    const r = await run(['--check', '--diff', '--json', report]);
    expect(r.code).toBe(0);
    const audit = readFileSync(path.join(stateHome, 'waptops', 'audit.jsonl'), 'utf8');
    for (const text of [r.stdout, r.stderr, readFileSync(report, 'utf8'), audit]) {
      expect(text).not.toContain(TOKEN);
    }
    expect(audit.trim().split('\n').length).toBeGreaterThanOrEqual(4);
  });

  it('uploads through sudo into a root-owned directory, and a second run changes nothing', async () => {
    const src = path.join(tmp, 'payload.bin');
    await writeFile(src, randomBytes(300_000));
    const args = ['run', 'test/fixtures/playbooks/e2e/copy-become.yml', '-i', inventory];
    const params = ['-e', `dir=${workDir}`, '-e', `src=${src}`];
    const first = await runCli([...args, ...params]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const dest = `${workDir}/rootdir/payload.bin`;
    expect(readFileSync(dest).equals(readFileSync(src))).toBe(true);
    expect(statSync(dest).uid).toBe(0);
    expect(statSync(dest).mode & 0o777).toBe(0o640);
    const json = path.join(tmp, 'copy-again.json');
    expect((await runCli([...args, ...params, '--json', json])).code).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8')).hosts.box1.recap.changed).toBe(0);
  });

  it('refuses a host whose run lock is held, naming the holder (exit 4)', async () => {
    const t = new SshTransport(sshConfigFor(sshd, { host: 'box1', connectTimeoutMs: 5000 }));
    await t.connect();
    const lock = await acquireLock(t, {
      user: 'alice',
      controller: 'other-box',
      pid: 4242,
      playbook: 'migrate-repo',
      started: '2026-11-24T03:00:00Z',
    });
    try {
      const r = await run();
      expect(r.code).toBe(4);
      expect(r.stdout).toMatch(/locked by alice@other-box pid 4242 running migrate-repo/);
    } finally {
      await lock.release();
      await t.close();
    }
    expect((await run()).code).toBe(0);
  });

  it('detects and clears the trace of a holder that vanished without releasing the lock', async () => {
    const t = new SshTransport(sshConfigFor(sshd, { host: 'box1' }));
    await t.connect();
    const ghost = JSON.stringify({
      user: 'bob',
      controller: 'gone-box',
      pid: 99,
      playbook: 'x',
      started: 'then',
    });
    const wrote = await t.run(sh`printf '%s\n' ${ghost} > /run/lock/waptops.lock.info`);
    await t.close();
    expect(wrote.code).toBe(0);
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/stale lock of bob@gone-box pid 99 running x since then cleared/);
    expect((await run()).stdout).not.toMatch(/stale lock/);
  });

  it('an unreachable host exits 3 and a changed host key is refused naming both fingerprints', async () => {
    const closed = path.join(tmp, 'closed.yml');
    await writeFile(closed, inventoryYaml(sshd, { port: 1 }));
    const down = await runCli(['run', PLAYBOOK, '-i', closed, '-e', `dir=${workDir}/x`], {
      E2E_TOKEN: TOKEN,
    });
    expect(down.code).toBe(3);
    expect(down.stdout).toMatch(/box1.*unreachable/i);

    const otherKey = await generateKey(path.join(tmp, 'other_host_key'));
    const knownHosts = path.join(tmp, 'known_hosts_changed');
    await writeFile(knownHosts, `[127.0.0.1]:${sshd.port} ${otherKey}\n`);
    const changed = path.join(tmp, 'changed.yml');
    await writeFile(changed, inventoryYaml(sshd, { knownHosts }));
    const target = `${workDir}-never`;
    const r = await runCli(['run', PLAYBOOK, '-i', changed, '-e', `dir=${target}`], { E2E_TOKEN: TOKEN });
    expect(r.code).toBe(3);
    expect(r.stdout.match(/SHA256:[A-Za-z0-9+/]{43}/g)?.length).toBeGreaterThanOrEqual(2);
    expect(existsSync(target)).toBe(false);
  });

  it('bad input: one clear line, exit 1, nothing run', async () => {
    const cases: [string[], RegExp][] = [
      [['run', 'no-such-playbook', '-i', inventory], /unknown playbook 'no-such-playbook'/],
      [
        ['run', PLAYBOOK, '-i', inventory, '-e', `dir=${workDir}`, '-e', 'colour=red'],
        /unknown param 'colour'/,
      ],
      [
        ['run', PLAYBOOK, '-i', inventory, '-e', `dir=${workDir}`, '--limit', 'nohost'],
        /unknown host or group 'nohost'/,
      ],
      [['run', PLAYBOOK, '-i', inventory, '-e', `dir=${workDir}`, '-e', 'token=x'], /token/],
      [['run', PLAYBOOK, '-i', path.join(tmp, 'missing.yml')], /inventory file not found/],
      [
        ['run', 'test/fixtures/playbooks/bad/malformed-yaml.yml', '-i', inventory],
        /malformed-yaml\.yml:\d+:\d+ /,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { E2E_TOKEN: TOKEN });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
