// Many CLI runs on a local host, one after another in two lanes: each process's peak RSS stays where the first
// runs' was (nothing the runs leave behind, such as the audit log or host state, makes later runs heavier).
// 120 runs in CI (about 50 s); WAPTOPS_MANY_RUNS=500 for the full figure (about 3.5 min on 2 cores).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv } from '../../helpers/cli-process.js';

let tmp: string;
let inventory: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-many-'));
  inventory = path.join(tmp, 'hosts.yml');
  await writeFile(inventory, 'hosts:\n  many1: { connection: local }\n  many2: { connection: local }\n');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** One `waptops run` under /usr/bin/time: its exit code and peak RSS in KiB. */
function runOnce(host: string): Promise<{ code: number; kib: number }> {
  const args = [
    'run',
    'test/fixtures/playbooks/e2e/partial.yml',
    '-i',
    inventory,
    '--limit',
    host,
    '--plain',
  ];
  const [file, ...argv] = cliArgv(args, { privateRunLock: true });
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', 'maxrss=%M', file as string, ...argv], {
      env: { ...process.env, CI: 'true', XDG_STATE_HOME: path.join(tmp, 'state') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code) => resolve({ code: code ?? -1, kib: Number(/maxrss=(\d+)/.exec(err)?.[1]) }));
  });
}

const RUNS = Number(process.env.WAPTOPS_MANY_RUNS ?? 120);
const SAMPLE = Math.max(10, Math.floor(RUNS / 10));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

describe('many CLI runs', () => {
  it(`${RUNS} runs all exit 0, and the median peak RSS of the last ${SAMPLE} is within 10% of the first ${SAMPLE}`, async () => {
    const results: { code: number; kib: number }[] = [];
    const lane = async (host: string) => {
      for (let i = 0; i < RUNS / 2; i++) results.push(await runOnce(host));
    };
    await Promise.all([lane('many1'), lane('many2')]);
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
    const first = median(results.slice(0, SAMPLE).map((r) => r.kib));
    const last = median(results.slice(-SAMPLE).map((r) => r.kib));
    console.log(
      `[many-runs] ${RUNS} runs, median peak RSS: first ${SAMPLE} ${Math.round(first / 1024)} MiB, last ${SAMPLE} ${Math.round(last / 1024)} MiB`,
    );
    expect(last).toBeLessThan(first * 1.1);
  }, 600_000);
});
