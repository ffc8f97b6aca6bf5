// One host unreachable, one failing, two healthy, in one run: the healthy ones finish, and the recap, the JSON
// and the JUnit reports say exactly which host is which; the exit code is 2 (a step failed: README).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli-process.js';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-partial-'));
  // A key of its own, so the unreachable host fails on its connection (port 1 refuses), not on a missing key.
  const key = path.join(tmp, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  await writeFile(
    path.join(tmp, 'hosts.yml'),
    [
      'hosts:',
      '  ok1: { connection: local }',
      '  ok2: { connection: local }',
      '  broken: { connection: local, vars: { fail: true } }',
      `  down: { address: 127.0.0.1, port: 1, connect_timeout: 2, identity_file: ${key} }`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('partial failure', () => {
  it('the others finish; recap, JSON and JUnit name the unreachable, the failed and the ok hosts; exit 2', async () => {
    const json = path.join(tmp, 'r.json');
    const junit = path.join(tmp, 'r.xml');
    const r = await runCli(
      [
        'run',
        'test/fixtures/playbooks/e2e/partial.yml',
        '-i',
        path.join(tmp, 'hosts.yml'),
        '--plain',
        '--json',
        json,
        '--junit',
        junit,
      ],
      { XDG_STATE_HOME: path.join(tmp, 'state') },
      { privateRunLock: true },
    );
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/^RESULT: 2 hosts ok, 0 changed, 1 failed, 1 unreachable — exit 2$/m);
    expect(r.stdout).toMatch(/^ {2}broken: the host's own check: .*broken on purpose/m);
    expect(r.stdout).toMatch(/^ {2}down: .*refused/im);

    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.hosts.ok1.recap).toMatchObject({ ok: 2, failed: 0, unreachable: false });
    expect(report.hosts.ok2.recap).toMatchObject({ ok: 2, failed: 0, unreachable: false });
    expect(report.hosts.broken.recap).toMatchObject({ ok: 0, failed: 1, unreachable: false });
    expect(report.hosts.broken.steps.map((s: { status: string }) => s.status)).toEqual(['failed']);
    expect(report.hosts.down.recap).toMatchObject({ unreachable: true });
    expect(report.hosts.down.steps).toEqual([]);

    const xml = readFileSync(junit, 'utf8');
    const suite = (host: string) =>
      new RegExp(`<testsuite name="${host}"[^>]*>([\\s\\S]*?)</testsuite>`).exec(xml);
    expect(suite('ok1')?.[0]).toMatch(/^<testsuite name="ok1" tests="2" failures="0" errors="0"/);
    expect(suite('ok2')?.[0]).toMatch(/^<testsuite name="ok2" tests="2" failures="0" errors="0"/);
    expect(suite('broken')?.[0]).toMatch(/^<testsuite name="broken" tests="1" failures="1"/);
    expect(suite('broken')?.[1]).toMatch(/<failure message="[^"]*broken on purpose/);
    expect(suite('down')?.[1]).toMatch(
      /<testcase classname="partial\.down" name="connect"[\s\S]*<failure message="[^"]*refused/,
    );
  });
});
