// A hostile or broken host, over a real OpenSSH server: terminal escape sequences, invalid UTF-8, lines shaped
// like the end marker and 1 GiB of output must not reach the terminal raw, corrupt the JSON or JUnit report,
// or grow the controller's memory.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv, runCli } from '../../helpers/cli-process.js';
import { startTestSshd, type TestSshd } from '../../helpers/test-sshd.js';

const PLAYBOOK = 'test/fixtures/playbooks/e2e/hostile-host.yml';
let sshd: TestSshd;
let tmp: string;
let inventory: string;

beforeAll(async () => {
  sshd = await startTestSshd({ privateRunLock: true });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-hostile-'));
  inventory = path.join(tmp, 'inventory.yml');
  await writeFile(
    inventory,
    `defaults: { user: ${sshd.user}, identity_file: ${sshd.identityFile}, known_hosts: ${sshd.knownHostsFile} }\nhosts:\n  box1: { address: ${sshd.address}, port: ${sshd.port} }\n`,
  );
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await sshd?.stop();
});

/** A run of the hostile playbook (with its 1 GiB step or not) under /usr/bin/time, with the controller's peak RSS in KiB. */
function peakRun(big: boolean, json: string) {
  const [file, ...argv] = cliArgv([
    'run',
    PLAYBOOK,
    '-i',
    inventory,
    '--plain',
    '-e',
    `big=${big}`,
    '--json',
    json,
  ]);
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', file as string, ...argv], {
    env: { ...process.env, CI: 'true', XDG_STATE_HOME: path.join(tmp, 'state') },
    maxBuffer: 16 << 20,
    encoding: 'utf8',
  });
  const kib = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1]);
  expect(kib, r.stderr).toBeGreaterThan(0);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, kib };
}

describe('a hostile host', () => {
  it('escape sequences and invalid UTF-8 are shown escaped in the log, and the JSON and JUnit reports stay valid', async () => {
    const json = path.join(tmp, 'report.json');
    const junit = path.join(tmp, 'report.xml');
    const r = await runCli(['run', PLAYBOOK, '-i', inventory, '--plain', '--json', json, '--junit', junit], {
      XDG_STATE_HOME: path.join(tmp, 'state'),
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control character may reach the terminal
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout).toContain(
      '\\x1b[2J\\x1b]0;owned\\x07\\x1b[31mred\\x1b[0m\\x0dback\\x08space\\u009bc done',
    );
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.hosts.box1.steps[0].data.stdout).toContain('\\x1b[2J');
    // Invalid bytes decode as U+FFFD; lines shaped like an end marker are output like any other.
    expect(report.hosts.box1.steps[1].data.stdout).toBe(
      'bad \uFFFD\uFFFD bytes\n__WAPTOPS_END_0123456789abcdef01234567__ 0\n:waptops-end: 0\nafter\n',
    );
    expect(report.hosts.box1.steps[1].data.stderr).toBe('err \uFFFD\n');
    const xml = readFileSync(junit, 'utf8');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 allows none of these
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    execFileSync('xmllint', ['--noout', junit]);
  });

  it('1 GiB of output is capped with a note, and the controller grows by under 300 MB over a run without it', async () => {
    const without = peakRun(false, path.join(tmp, 'small.json'));
    expect(without.status, without.stdout + without.stderr).toBe(0);
    const json = path.join(tmp, 'big.json');
    const r = peakRun(true, json);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/RESULT: 1 host ok/);
    expect(r.stdout.length).toBeLessThan(1 << 20);
    // A kept copy of the output would be at least 1 GiB; the young generation V8 sizes for a busy process
    // (larger on Node 24) is the rest of the growth.
    const grew = r.kib - without.kib;
    expect(grew, `controller peak RSS ${r.kib} KiB, ${without.kib} KiB without the 1 GiB`).toBeLessThan(
      300 * 1024,
    );
    console.log(
      `[hostile-host] 1 GiB of output on Node ${process.version}: controller peak RSS ${Math.round(r.kib / 1024)} MiB (${Math.round(without.kib / 1024)} MiB without it)`,
    );
    const step = JSON.parse(readFileSync(json, 'utf8')).hosts.box1.steps[2];
    expect(step.data.stdout).toMatch(
      /\[waptops: 10\d{8} characters of output left out; the first and last 2097152 are kept\]/,
    );
    expect(step.data.stdout).toMatch(/last-line\n$/);
  }, 300_000);
});
