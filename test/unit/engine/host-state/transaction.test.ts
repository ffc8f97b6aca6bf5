// Transactions on a local host through the real CLI: journal, rollback on failure, resume after the
// controller died mid-job (the detached job lives on), --rollback, and refusal of other inputs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { journalPath } from '../../../../scripts/engine/host-state/journal.js';
import { type CliResult, cliArgv, runCli as runCliShared } from '../../../helpers/cli-process.js';

const PLAYBOOK = 'test/fixtures/playbooks/e2e/transaction.yml';

let tmp: string;
let inventory: string;
// The host's /var/lib/waptops for these runs: a directory of this test file (see cliArgv's hostStateDir).
let hostState: string;
let JOURNAL: string;
let JOB_PID: string;
const runCli = (args: string[]): Promise<CliResult> => runCliShared(args, {}, { hostStateDir: hostState });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-tx-'));
  inventory = path.join(tmp, 'hosts.yml');
  await writeFile(inventory, 'hosts:\n  h1: { connection: local }\n');
  hostState = await mkdtemp(path.join(tmp, 'var-lib-waptops-'));
  JOURNAL = path.join(hostState, path.relative('/var/lib/waptops', journalPath('tx-e2e')));
  JOB_PID = path.join(hostState, 'jobs/tx-e2e-2-0/pid');
});

afterEach(async () => {
  await rm(JOURNAL, { force: true });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  return mkdtemp(path.join(tmp, 'run-'));
}

function run(dir: string, ...extra: string[]): Promise<CliResult> {
  return runCli(['run', PLAYBOOK, '-i', inventory, '--plain', '-e', `dir=${dir}`, ...extra]);
}

/** Starts the CLI and SIGKILLs it (as a lost controller) once the detached job runs. */
function runAndKill(dir: string, extra: string[] = []): Promise<string> {
  const [file, ...args] = cliArgv(
    ['run', PLAYBOOK, '-i', inventory, '--plain', '-e', `dir=${dir}`, ...extra],
    { hostStateDir: hostState },
  );
  return new Promise((resolve) => {
    const child = spawn(file as string, args, { env: { ...process.env, CI: 'true' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    void waitFor(JOB_PID, 60).then(() => child.kill('SIGKILL'));
    child.on('close', () => resolve(out));
  });
}

async function waitFor(file: string, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 10; i++) {
    if (existsSync(file)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return existsSync(file);
}

describe('transaction playbooks', () => {
  it('a failure rolls every journaled change back in reverse and removes the journal', async () => {
    const dir = await freshDir();
    const r = await run(dir, '-e', 'fail=true');
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(
      /ROLLED BACK after "the last step: failed_when is true: params.fail": 2 change\(s\) undone, 1 kept \(no undo\)/,
    );
    expect(r.stdout).toMatch(/undone: create directory .*\/b/);
    expect(r.stdout).toMatch(/kept \(no undo\): run sh -c/);
    expect(existsSync(path.join(dir, 'a'))).toBe(false);
    expect(existsSync(path.join(dir, 'b'))).toBe(false);
    expect(existsSync(JOURNAL)).toBe(false);
  });

  it('a successful run removes its journal and a second run changes nothing', async () => {
    const dir = await freshDir();
    const first = await run(dir);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'job-done'), 'utf8')).toBe('job ran\n');
    expect(existsSync(JOURNAL)).toBe(false);
    const second = await run(dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/done: 4 ok, 0 changed/);
  });

  it('after the controller died mid-job, the job finishes on its own and a re-run resumes past the done steps', async () => {
    const dir = await freshDir();
    const out = await runAndKill(dir, ['-e', 'job_seconds=3']);
    expect(out).toMatch(/directory b \.\.\. changed/);
    expect(existsSync(JOURNAL)).toBe(true);
    const journal = readFileSync(JOURNAL, 'utf8');
    expect(journal).toMatch(/"t":"begin","step":2/);
    expect(journal).not.toMatch(/"t":"done","step":2/);
    const r = await run(dir, '-e', 'job_seconds=3');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/interrupted run .* resuming it: 2 steps done, 3 changes journaled/);
    expect(r.stdout).toMatch(/directory a \.\.\. ok .*: done by the interrupted run/);
    expect(r.stdout).toMatch(/note: attached to job tx-e2e-2-0, still running from an earlier run/);
    expect(readFileSync(path.join(dir, 'job-done'), 'utf8')).toBe('job ran\n');
    expect(existsSync(JOURNAL)).toBe(false);
  });

  it('--rollback undoes an interrupted run; other inputs are refused while it is journaled', async () => {
    const dir = await freshDir();
    await runAndKill(dir, ['-e', 'job_seconds=30']);
    expect(existsSync(JOURNAL)).toBe(true);
    const other = await run(await freshDir());
    expect(other.code).toBe(2);
    expect(other.stdout).toMatch(
      /with other inputs .* re-run it with the same inputs to finish it, or with --rollback/,
    );
    const check = await run(dir, '-e', 'job_seconds=30', '--check');
    expect(check.stdout).toMatch(/check mode: nothing is written/);
    expect(existsSync(JOURNAL)).toBe(true);
    const r = await run(dir, '-e', 'job_seconds=30', '--rollback');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ROLLED BACK after "--rollback"/);
    expect(existsSync(path.join(dir, 'a'))).toBe(false);
    expect(existsSync(path.join(dir, 'b'))).toBe(false);
    expect(existsSync(JOURNAL)).toBe(false);
    // The running job (and its children) was stopped before the undo: nothing of it is left running.
    expect(existsSync(path.dirname(JOB_PID))).toBe(false);
    const left = spawnSync('pgrep', ['-f', `job 30 ${dir}`]);
    expect(left.status, left.stdout.toString()).toBe(1);
  });

  it('--rollback on a playbook that is not a transaction is a usage error', async () => {
    const r = await runCli(['run', 'test/fixtures/playbooks/e2e/batch.yml', '-i', inventory, '--rollback']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--rollback: batch is not a transaction playbook/);
  });
});
