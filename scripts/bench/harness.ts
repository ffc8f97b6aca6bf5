// What the engine-level benchmarks share: throwaway servers, an inventory for them, timed CLI runs, the JSON report.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestSshd, type TestSshd } from '../../test/helpers/test-sshd.js';
import type { HostRecord, RunRecord } from '../report/collect.js';

/** The compiled CLI (`make build`); benchmarks run from the repo root, like the fixture paths they use. */
export const CLI_ENTRY = path.resolve('dist/bin/waptops.js');

/** The `--json` report as docs/report-json.md describes it. */
export type JsonReport = Omit<RunRecord, 'hosts'> & { version: 1; hosts: Record<string, HostRecord> };

/** One CLI run: exit code, output and wall time seen from outside the process. */
export interface TimedRun {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs `node <CLI_ENTRY> ...args` (plain output, CI=true) and times it. */
export function runCliTimed(args: string[], env: Record<string, string> = {}): Promise<TimedRun> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_ENTRY, ...args],
      { env: { ...process.env, CI: 'true', ...env }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
        const code = err ? (err as { code?: unknown }).code : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr, wallMs });
      },
    );
  });
}

/** Runs the CLI and throws with its output unless it exited 0. */
export async function runCliOk(args: string[], env: Record<string, string> = {}): Promise<TimedRun> {
  const run = await runCliTimed(args, env);
  if (run.code !== 0) {
    throw new Error(`waptops ${args.join(' ')} exited ${run.code}\n${run.stdout}${run.stderr}`);
  }
  return run;
}

/** Reads a `--json` report. */
export async function readJsonReport(file: string): Promise<JsonReport> {
  return JSON.parse(await readFile(file, 'utf8')) as JsonReport;
}

/**
 * Starts `count` test servers, each with its own /run/lock so each takes its own run lock
 * (they all run on this machine; a shared lock would refuse all but one "host").
 */
export async function startServers(count: number): Promise<TestSshd[]> {
  const servers: TestSshd[] = [];
  try {
    // a few at a time: each start runs ssh-keygen twice and waits for the port
    for (let i = 0; i < count; i += 5) {
      const size = Math.min(5, count - i);
      const batch = Array.from({ length: size }, () => startTestSshd({ privateRunLock: true }));
      const settled = await Promise.allSettled(batch);
      for (const s of settled) if (s.status === 'fulfilled') servers.push(s.value);
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
    return servers;
  } catch (e) {
    await stopServers(servers);
    throw e;
  }
}

/** Stops servers started by startServers. */
export async function stopServers(servers: TestSshd[]): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
}

/** Writes an inventory naming each server `<prefix>NN`; returns the host names in order. */
export async function writeInventory(file: string, servers: TestSshd[], prefix = 'bench'): Promise<string[]> {
  const names = servers.map((_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);
  const lines = ['defaults:', '  connect_timeout: 30', 'hosts:'];
  servers.forEach((s, i) => {
    lines.push(
      `  ${names[i]}:`,
      `    address: ${s.address}`,
      `    port: ${s.port}`,
      `    user: ${s.user}`,
      `    identity_file: ${s.identityFile}`,
      `    known_hosts: ${s.knownHostsFile}`,
    );
  });
  await writeFile(file, `${lines.join('\n')}\n`);
  return names;
}
