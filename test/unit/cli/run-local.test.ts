// The CLI over local-connection hosts: batches, max-fail-percent, shards, Ctrl-C, confirmation, facts, list.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cliArgv, runCli as runCliShared } from '../../helpers/cli-process.js';

/** The CLI with a /run/lock of its own: local hosts are this machine, shared with other test runs. */
const runCli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCliShared(args, env, { privateRunLock: true });

const BATCH = 'test/fixtures/playbooks/e2e/batch.yml';
let tmp: string;
let inventory: string;
let markers: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-local-'));
  inventory = path.join(tmp, 'hosts.yml');
  const hosts = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h) => `  ${h}: { connection: local }`).join('\n');
  await writeFile(inventory, `hosts:\n${hosts}\ngroups:\n  odd: { hosts: [h1, h3, h5] }\n`);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function freshMarkers(): Promise<string> {
  markers = await mkdtemp(path.join(tmp, 'markers-'));
  return markers;
}

/** The hosts a JSON report says ran (a host that never started has a null recap). */
function hostsThatRan(file: string): string[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { hosts: Record<string, { recap: unknown }> };
  return Object.entries(doc.hosts)
    .filter(([, h]) => h.recap !== null)
    .map(([name]) => name)
    .sort();
}

describe('waptops run on local hosts', () => {
  it('--serial with --max-fail-percent stops starting batches after a failure', async () => {
    const dir = await freshMarkers();
    const json = path.join(tmp, 'serial.json');
    const r = await runCli(
      ['run', BATCH, '-i', inventory, '-e', `dir=${dir}`, '-e', 'fail_on=h2', '--serial', '2'],
      {},
    ).then(() =>
      runCli([
        'run',
        BATCH,
        '-i',
        inventory,
        '-e',
        `dir=${path.join(dir, 'b')}`,
        '-e',
        'fail_on=h2',
        '--serial',
        '2',
        '--max-fail-percent',
        '0',
        '--json',
        json,
      ]),
    );
    expect(r.code).toBe(2);
    expect(hostsThatRan(json)).toEqual(['h1', 'h2']);
    expect(r.stdout).toMatch(/hosts not started/);
    // Without the limit every batch runs and every host but h2 gets its marker.
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('h'))
        .sort(),
    ).toEqual(['h1', 'h3', 'h4', 'h5', 'h6']);
  });

  it('--shard K/N splits the hosts into disjoint slices that cover them all', async () => {
    const dir = await freshMarkers();
    const seen: string[][] = [];
    for (const k of [1, 2, 3]) {
      const json = path.join(tmp, `shard${k}.json`);
      const r = await runCli([
        'run',
        BATCH,
        '-i',
        inventory,
        '-e',
        `dir=${dir}`,
        '--shard',
        `${k}/3`,
        '--json',
        json,
      ]);
      // a shard may be empty: a clean run over no host
      expect(r.code).toBe(0);
      seen.push(hostsThatRan(json));
    }
    const all = seen.flat().sort();
    expect(all).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
    expect(new Set(all).size).toBe(all.length);
  });

  it('--limit narrows to a group and a glob exclusion', async () => {
    const dir = await freshMarkers();
    const r = await runCli(['run', BATCH, '-i', inventory, '-e', `dir=${dir}`, '--limit', 'odd,!h5']);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['h1', 'h3']);
  });

  it('Ctrl-C lets the running step finish, starts no new step, exits 130', async () => {
    const dir = await freshMarkers();
    const [file, ...args] = cliArgv(
      ['run', BATCH, '-i', inventory, '--limit', 'h1', '-e', `dir=${dir}`, '-e', 'pause=2', '--verbose'],
      { privateRunLock: true },
    );
    const child = spawn(file as string, args, { env: { ...process.env, CI: 'true' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/\$ sleep 2/.test(out) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(out).toMatch(/interrupted/);
    expect(out).toMatch(/pause .*ok/);
    expect(existsSync(path.join(dir, 'h1'))).toBe(false);
  });

  it('a confirm: true playbook refuses to run off a terminal without --yes, and runs with it', async () => {
    const dir = await freshMarkers();
    const args = [
      'run',
      'test/fixtures/playbooks/e2e/confirm.yml',
      '-i',
      inventory,
      '--limit',
      'h1',
      '-e',
      `dir=${dir}`,
    ];
    const refused = await runCli(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/needs confirmation.*not a terminal/);
    expect(existsSync(path.join(dir, 'confirmed'))).toBe(false);
    expect((await runCli([...args, '--check'])).code).toBe(0);
    expect(existsSync(path.join(dir, 'confirmed'))).toBe(false);
    expect((await runCli([...args, '--yes'])).code).toBe(0);
    expect(existsSync(path.join(dir, 'confirmed'))).toBe(true);
  });

  it('-e values are converted by the param schema, and a wrong type is refused', async () => {
    const dir = await freshMarkers();
    const bad = await runCli(['run', BATCH, '-i', inventory, '-e', `dir=${dir}`, '-e', 'pause=soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/pause.*integer/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('facts prints typed facts of a host; list shows the runbooks', async () => {
    const facts = await runCli(['facts', 'h1', '-i', inventory]);
    expect(facts.code).toBe(0);
    const doc = JSON.parse(facts.stdout);
    expect(doc.facts.os.family).toBe('debian');
    expect(Array.isArray(doc.facts.mounts)).toBe(true);
    const list = await runCli(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^health\n {2}Read-only health check/m);
  });
});
