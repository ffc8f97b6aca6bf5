// Lab: the command lines of docs/examples/ (GitLab parallel, a GitHub matrix, a Kubernetes Indexed Job) run
// as 4 shards of `health --check` with the variables each engine sets, then their merge: the merged report's
// hosts, statuses and exit code equal one unsharded run's, and the shards without a host are clean runs.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { type CiExample, ciExamples } from '../helpers/ci-examples.js';
import { CLI, type CliResult } from '../helpers/cli-process.js';
import { labTempDir, type RunReport, runOnLab } from '../helpers/lab/lab-run.js';

const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// `waptops` on PATH, as the examples call it.
const bin = path.join(tmp, 'bin');
mkdirSync(bin);
writeFileSync(path.join(bin, 'waptops'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`, {
  mode: 0o755,
});

// Variables of the CI job running these tests must not reach the shards.
const SHARD_VARS = /^(WAPTOPS_SHARD_|JOB_COMPLETION|CI_NODE_)/;
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SHARD_VARS.test(k)));

/** Runs one of an example's shell command lines in `cwd`, as its engine would, with `env` added. */
function runLine(line: string, cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', line],
      {
        cwd,
        env: {
          ...baseEnv,
          ...env,
          PATH: `${bin}:${process.env.PATH}`,
          CI: 'true',
          XDG_STATE_HOME: path.join(tmp, 'state'),
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * A directory laid out as the example's job sees it: the inventory at the path its command names (the lab's),
 * and for Kubernetes the pod's mounts (/etc/waptops, /reports) moved under it.
 */
function workspace(ex: CiExample): { dir: string; line: (l: string) => string } {
  const dir = path.join(tmp, ex.file.replace(/^\./, ''));
  mkdirSync(path.join(dir, 'inventory'), { recursive: true });
  mkdirSync(path.join(dir, 'etc'));
  mkdirSync(path.join(dir, 'reports'));
  copyFileSync(INVENTORY_FILE, path.join(dir, 'inventory', 'hosts.yml'));
  copyFileSync(INVENTORY_FILE, path.join(dir, 'etc', 'hosts.yml'));
  const line = (l: string) =>
    l.replaceAll('/etc/waptops/', `${dir}/etc/`).replaceAll('/reports/', `${dir}/reports/`);
  return { dir, line };
}

/** What must agree between the merged report and one run: per host its recap counts and its steps. */
function outcome(report: RunReport) {
  return {
    check: report.check,
    exitCode: report.exitCode,
    hosts: Object.fromEntries(
      Object.entries(report.hosts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([host, h]) => [
          host,
          {
            recap: h.recap && { ...h.recap, durationMs: 0 },
            steps: h.steps.map((s) => ({
              name: s.name,
              status: s.status,
              changes: s.changes,
              message: s.message,
            })),
          },
        ]),
    ),
  };
}

const resultLine = (stdout: string) => stdout.trim().split('\n').at(-1);

describe('fleet runs in shards, merged, on the lab', () => {
  it('each example: 4 shards of health --check then report merge equal one unsharded run', async () => {
    const single = await runOnLab(tmp, 'health', { check: true });
    expect(single.code, single.stdout + single.stderr).toBe(0);
    expect(Object.keys(single.report.hosts).sort()).toEqual(['deb1', 'rhel1']);

    for (const ex of ciExamples()) {
      const { dir, line } = workspace(ex);
      const shards: CliResult[] = [];
      for (const env of ex.shardEnvs) shards.push(await runLine(line(ex.shardCommand), dir, env));
      for (const s of shards) expect(s.code, `${ex.file}: ${s.stdout}${s.stderr}`).toBe(0);
      // 2 hosts in 4 shards: some shards hold none, and are clean runs over no host
      const sizes = shards.map((s) => Number(/ on (\d+) host\(s\)/.exec(s.stdout)?.[1]));
      expect(
        sizes.reduce((a, b) => a + b, 0),
        ex.file,
      ).toBe(2);
      expect(sizes.filter((n) => n === 0).length, ex.file).toBeGreaterThanOrEqual(2);
      for (const s of shards.filter((_, i) => sizes[i] === 0))
        expect(resultLine(s.stdout)).toBe(
          'RESULT: 0 hosts ok, 0 would change, 0 failed, 0 unreachable — exit 0',
        );

      const merged = await runLine(line(ex.mergeCommand), dir, {});
      expect(merged.code, `${ex.file}: ${merged.stdout}${merged.stderr}`).toBe(single.code);
      expect(resultLine(merged.stdout), ex.file).toBe(resultLine(single.stdout));
      const json = /--json (\S+)/.exec(line(ex.mergeCommand))?.[1] as string;
      const report = JSON.parse(readFileSync(path.resolve(dir, json), 'utf8')) as RunReport;
      expect(outcome(report), ex.file).toEqual(outcome(single.report));
      const junit = /--junit (\S+)/.exec(line(ex.mergeCommand))?.[1] as string;
      expect(readFileSync(path.resolve(dir, junit), 'utf8')).toMatch(
        /<testsuites name="health" tests="10" failures="0"/,
      );
    }
  });
});
