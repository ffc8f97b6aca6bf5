// `--shard auto` with each engine's variables over local hosts, then `report merge`: one recap, one JSON and
// JUnit report and one exit code, equal to those of one run over every host; bad reports are one line, exit 1.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli as runCliShared } from '../../helpers/cli-process.js';

const runCli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCliShared(args, env, { privateRunLock: true });

const BATCH = 'test/fixtures/playbooks/e2e/batch.yml';
const HOSTS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
/** The four shards of a 4-way split, each named by another engine's variables. */
const SHARD_ENVS: Record<string, string>[] = [
  { WAPTOPS_SHARD_INDEX: '1', WAPTOPS_SHARD_COUNT: '4' },
  { JOB_COMPLETION_INDEX: '1', JOB_COMPLETIONS: '4' },
  { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '4' },
  { WAPTOPS_SHARD_INDEX: '4', WAPTOPS_SHARD_COUNT: '4' },
];

interface Report {
  playbook: string;
  check: boolean;
  exitCode: number | null;
  hosts: Record<string, { recap: Record<string, unknown> | null; steps: { name: string; status: string }[] }>;
}

let tmp: string;
let inventory: string;
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;

/** What must agree between a merged report and one run: hosts, their counts and step statuses, exit code. */
function essence(doc: Report) {
  return {
    playbook: doc.playbook,
    check: doc.check,
    exitCode: doc.exitCode,
    hosts: Object.fromEntries(
      Object.entries(doc.hosts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, h]) => [
          name,
          {
            recap: h.recap && { ...h.recap, durationMs: 0 },
            steps: h.steps.map((s) => `${s.name}: ${s.status}`),
          },
        ]),
    ),
  };
}

const resultLine = (stdout: string) => stdout.trim().split('\n').at(-1);

// The shard variables of the CI job running these tests must not reach the runs they start.
const SHARD_VARS = [
  'WAPTOPS_SHARD_INDEX',
  'WAPTOPS_SHARD_COUNT',
  'JOB_COMPLETION_INDEX',
  'JOB_COMPLETIONS',
  'CI_NODE_INDEX',
  'CI_NODE_TOTAL',
];
const savedEnv = Object.fromEntries(SHARD_VARS.map((v) => [v, process.env[v]]));

beforeAll(async () => {
  for (const v of SHARD_VARS) delete process.env[v];
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-merge-'));
  inventory = path.join(tmp, 'hosts.yml');
  await writeFile(inventory, `hosts:\n${HOSTS.map((h) => `  ${h}: { connection: local }`).join('\n')}\n`);
});

afterAll(async () => {
  for (const [v, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[v] = value;
  await rm(tmp, { recursive: true, force: true });
});

/** One run over every host and the same run as 4 shards, in directories of their own; the shards' reports. */
async function oneRunAndShards(name: string, extra: string[]) {
  const whole = path.join(tmp, `${name}-whole.json`);
  const wholeXml = path.join(tmp, `${name}-whole.xml`);
  const single = await runCli([
    'run',
    BATCH,
    '-i',
    inventory,
    '-e',
    `dir=${tmp}/${name}-a`,
    ...extra,
    '--json',
    whole,
    '--junit',
    wholeXml,
  ]);
  execFileSync('mkdir', ['-p', `${tmp}/${name}-a`, `${tmp}/${name}-b`]);
  const shards: string[] = [];
  const codes: number[] = [];
  for (const [i, env] of SHARD_ENVS.entries()) {
    const file = path.join(tmp, `${name}-shard${i + 1}.json`);
    const r = await runCli(
      [
        'run',
        BATCH,
        '-i',
        inventory,
        '-e',
        `dir=${tmp}/${name}-b`,
        ...extra,
        '--shard',
        'auto',
        '--json',
        file,
      ],
      env,
    );
    codes.push(r.code);
    shards.push(file);
  }
  return { whole, wholeXml, single, shards, codes };
}

describe('report merge of --shard auto runs', () => {
  it('gives the recap, JSON, JUnit and exit code of one run over every host, a failed host included', async () => {
    execFileSync('mkdir', ['-p', `${tmp}/fail-a`, `${tmp}/fail-b`]);
    const { whole, wholeXml, single, shards, codes } = await oneRunAndShards('fail', ['-e', 'fail_on=h2']);
    expect(single.code).toBe(2);
    // every host ran in exactly one shard
    const shardHosts = shards.flatMap((f) => Object.keys(read(f).hosts)).sort();
    expect(shardHosts).toEqual(HOSTS);
    expect(codes.filter((c) => c === 2)).toHaveLength(1);
    const json = path.join(tmp, 'fail-merged.json');
    const junit = path.join(tmp, 'fail-merged.xml');
    const html = path.join(tmp, 'fail-merged.html');
    const merged = await runCli([
      'report',
      'merge',
      ...shards,
      '--json',
      json,
      '--junit',
      junit,
      '--html',
      html,
    ]);
    expect(merged.code).toBe(2);
    // the merged HTML page has a recap row and a timeline lane for every host of every shard, and no script
    const page = readFileSync(html, 'utf8');
    for (const host of HOSTS)
      expect(page.match(new RegExp(`data-host="${host}"`, 'g'))?.length).toBeGreaterThanOrEqual(2);
    expect(page).toMatch(/<tr data-host="h2" class="failed">/);
    expect(page).not.toMatch(/<script/i);
    expect(essence(read(json))).toEqual(essence(read(whole)));
    expect(resultLine(merged.stdout)).toBe(resultLine(single.stdout));
    expect(merged.stdout).toMatch(/^merged 4 report\(s\) of batch: 6 host\(s\)\nRECAP\n/);
    expect(read(json)).toMatchObject({ version: 1, mergedFrom: expect.any(Array) });
    // the merged JUnit is well-formed XML with a suite per host and the one failure
    execFileSync('xmllint', ['--noout', junit]);
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(6);
    const totals = (text: string) =>
      /<testsuites name="batch" tests="\d+" failures="\d+" errors="0" skipped="\d+"/.exec(text)?.[0];
    expect(totals(xml)).toBe(totals(readFileSync(wholeXml, 'utf8')));
    expect(totals(xml)).toMatch(/failures="1"/);
  });

  it('a shard with no host is a clean run that merges; all ok merges to exit 0', async () => {
    const one = path.join(tmp, 'one.yml');
    await writeFile(one, 'hosts:\n  h1: { connection: local }\n');
    const files: string[] = [];
    const codes: number[] = [];
    const outs: string[] = [];
    execFileSync('mkdir', ['-p', `${tmp}/one`]);
    for (const k of [1, 2]) {
      const file = path.join(tmp, `one-${k}.json`);
      const r = await runCli([
        'run',
        BATCH,
        '-i',
        one,
        '-e',
        `dir=${tmp}/one`,
        '--shard',
        `${k}/2`,
        '--json',
        file,
      ]);
      codes.push(r.code);
      outs.push(r.stdout);
      files.push(file);
    }
    expect(codes).toEqual([0, 0]);
    const sizes = files.map((f) => Object.keys(read(f).hosts).length).sort();
    expect(sizes).toEqual([0, 1]);
    const empty = outs.find((o) => /on 0 host\(s\)/.test(o)) as string;
    expect(resultLine(empty)).toBe('RESULT: 0 hosts ok, 0 changed, 0 failed, 0 unreachable — exit 0');
    const merged = await runCli(['report', 'merge', ...files]);
    expect(merged.code).toBe(0);
    expect(resultLine(merged.stdout)).toBe('RESULT: 0 hosts ok, 1 changed, 0 failed, 0 unreachable — exit 0');
  });

  it('--shard auto without shard variables, or with bad ones, is one line and exit 1, nothing run', async () => {
    const dir = path.join(tmp, 'untouched');
    const args = ['run', BATCH, '-i', inventory, '-e', `dir=${dir}`, '--shard', 'auto'];
    const none = await runCli(args);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      '--shard: auto: no shard in the environment (set WAPTOPS_SHARD_INDEX and WAPTOPS_SHARD_COUNT, or JOB_COMPLETION_INDEX and JOB_COMPLETIONS, or CI_NODE_INDEX and CI_NODE_TOTAL)\n1 problem; nothing was run\n',
    );
    const half = await runCli(args, { JOB_COMPLETION_INDEX: '0' });
    expect(half.code).toBe(1);
    expect(half.stderr).toMatch(/^--shard: auto: JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not/);
    const outside = await runCli(args, { CI_NODE_INDEX: '5', CI_NODE_TOTAL: '4' });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/^--shard: auto: CI_NODE_INDEX=5 is outside 1\.\.4 \(CI_NODE_TOTAL=4\)\n/);
    expect(() => readFileSync(path.join(dir, 'h1'))).toThrow(/ENOENT/);
  });
});

describe('report merge refuses what is not shards of one run', () => {
  async function shardPair() {
    execFileSync('mkdir', ['-p', `${tmp}/pair`]);
    const files: string[] = [];
    for (const k of [1, 2]) {
      const file = path.join(tmp, `pair-${k}.json`);
      await runCli([
        'run',
        BATCH,
        '-i',
        inventory,
        '-e',
        `dir=${tmp}/pair`,
        '--shard',
        `${k}/2`,
        '--json',
        file,
      ]);
      files.push(file);
    }
    return files as [string, string];
  }

  it('another playbook, check mode or params, a host twice, a missing file, not JSON, not a report', async () => {
    const [a, b] = await shardPair();
    const doc = JSON.parse(readFileSync(b, 'utf8'));
    const variant = async (name: string, change: (d: Record<string, unknown>) => void) => {
      const file = path.join(tmp, name);
      const copy = structuredClone(doc);
      change(copy);
      await writeFile(file, JSON.stringify(copy));
      return file;
    };
    const cases: [string[], RegExp][] = [
      [
        [a, await variant('other.json', (d) => (d.playbook = 'health'))],
        /other\.json: playbook "health", but .*pair-1\.json has "batch"/,
      ],
      [
        [a, await variant('check.json', (d) => (d.check = true))],
        /check\.json: check true, but .*pair-1\.json has false/,
      ],
      [
        [a, await variant('params.json', (d) => ((d.params as Record<string, unknown>).pause = 9))],
        /params\.json: params .*"pause":9/,
      ],
      [[a, b, a], /pair-1\.json: host h\d is also in .*pair-1\.json \(shards never share a host\)/],
      [[a, path.join(tmp, 'missing.json')], /missing\.json: cannot read the report \(ENOENT\)/],
      [
        [a, await variant('version.json', (d) => (d.version = 2))],
        /version\.json: not a waptops JSON report: version 2 is not 1/,
      ],
      [
        [
          a,
          await variant('recap.json', (d) => {
            const hosts = d.hosts as Record<string, { recap: Record<string, unknown> }>;
            for (const h of Object.values(hosts)) h.recap.failed = 'x';
          }),
        ],
        /recap\.json: not a waptops JSON report: hosts\.h\d\.recap\.failed is not a number/,
      ],
    ];
    const notJson = path.join(tmp, 'not.json');
    await writeFile(notJson, '{"version": 1,');
    cases.push([[a, notJson], /not\.json: not JSON \(/]);
    for (const [files, message] of cases) {
      const out = path.join(tmp, 'never.json');
      const r = await runCli(['report', 'merge', ...files, '--json', out]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
      expect(() => readFileSync(out)).toThrow(/ENOENT/);
    }
  });
});
