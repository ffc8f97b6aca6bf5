// `waptops report merge`: the JSON reports of a fleet's shards read back and joined into one run's report.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { WaptopsError } from '../core/errors.js';
import type { HostRecap } from '../engine/events.js';
import { runExitCode } from '../engine/run/run.js';
import type { RunRecord } from './collect.js';
import type { JsonReport } from './json.js';

/** One shard's report as read from its file. */
export interface ShardReport {
  file: string;
  report: JsonReport;
}

/** The merged document: a version 1 report plus the run ids it was made from. */
export interface MergedReport extends JsonReport {
  mergedFrom: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const COUNTS = ['ok', 'changed', 'failed', 'skipped', 'durationMs'] as const;

/** Why `doc` is not a version 1 report (the first thing wrong), or undefined when it is one. */
function reportProblem(doc: unknown): string | undefined {
  if (!isObject(doc)) return 'not a JSON object';
  if (doc.version !== 1) return `version ${JSON.stringify(doc.version)} is not 1 (docs/report-json.md)`;
  for (const key of ['runId', 'playbook', 'started'] as const)
    if (typeof doc[key] !== 'string') return `${key} is not a string`;
  for (const key of ['check', 'interrupted'] as const)
    if (typeof doc[key] !== 'boolean') return `${key} is not true or false`;
  if (!isObject(doc.params)) return 'params is not an object';
  if (doc.exitCode !== null && typeof doc.exitCode !== 'number') return 'exitCode is not a number or null';
  if (doc.durationMs !== null && typeof doc.durationMs !== 'number')
    return 'durationMs is not a number or null';
  if (!isObject(doc.hosts)) return 'hosts is not an object';
  for (const [name, h] of Object.entries(doc.hosts)) {
    if (!isObject(h) || !Array.isArray(h.steps)) return `hosts.${name} has no steps list`;
    if (h.recap === null) continue;
    if (!isObject(h.recap) || typeof h.recap.unreachable !== 'boolean')
      return `hosts.${name}.recap is not a recap`;
    for (const c of COUNTS)
      if (typeof h.recap[c] !== 'number') return `hosts.${name}.recap.${c} is not a number`;
  }
  return undefined;
}

/** Reads and checks one JSON report; a missing, unreadable or malformed file is one line naming it. */
export function readShardReport(file: string): ShardReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WaptopsError(`${file}: cannot read the report (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new WaptopsError(`${file}: not JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  const problem = reportProblem(doc);
  if (problem) throw new WaptopsError(`${file}: not a waptops JSON report: ${problem}`);
  return { file, report: doc as JsonReport };
}

/** Refuses reports that are not shards of one run: another playbook, check mode or params, or a host twice. */
function checkSameRun(shards: ShardReport[]): void {
  const [first, ...rest] = shards as [ShardReport, ...ShardReport[]];
  const differs = (s: ShardReport, what: string, a: unknown, b: unknown) =>
    new WaptopsError(`${s.file}: ${what} ${JSON.stringify(b)}, but ${first.file} has ${JSON.stringify(a)}`);
  for (const s of rest) {
    if (s.report.playbook !== first.report.playbook)
      throw differs(s, 'playbook', first.report.playbook, s.report.playbook);
    if (s.report.check !== first.report.check) throw differs(s, 'check', first.report.check, s.report.check);
    if (!isDeepStrictEqual(s.report.params, first.report.params))
      throw differs(s, 'params', first.report.params, s.report.params);
  }
  const seen = new Map<string, string>();
  for (const s of shards) {
    for (const host of Object.keys(s.report.hosts)) {
      const other = seen.get(host);
      if (other)
        throw new WaptopsError(`${s.file}: host ${host} is also in ${other} (shards never share a host)`);
      seen.set(host, s.file);
    }
  }
}

/** Joins shard reports into the report one run over all their hosts would have written. */
export function mergeReports(shards: ShardReport[]): MergedReport {
  if (shards.length === 0) throw new WaptopsError('report merge: no report given');
  checkSameRun(shards);
  const reports = shards.map((s) => s.report);
  const first = reports[0] as JsonReport;
  const hosts = Object.assign({}, ...reports.map((r) => r.hosts)) as JsonReport['hosts'];
  const recaps = Object.values(hosts)
    .map((h) => h.recap)
    .filter((r): r is HostRecap => r !== null);
  const interrupted = reports.some((r) => r.interrupted);
  const ended = reports.every((r) => r.exitCode !== null);
  const starts = reports.map((r) => Date.parse(r.started));
  const start = Math.min(...starts);
  const end = Math.max(...reports.map((r, i) => (starts[i] as number) + (r.durationMs ?? 0)));
  return {
    version: 1,
    runId: randomUUID(),
    playbook: first.playbook,
    check: first.check,
    params: first.params,
    started: new Date(start).toISOString(),
    durationMs: ended ? end - start : null,
    exitCode: ended ? runExitCode(recaps, interrupted) : null,
    interrupted,
    hosts,
    mergedFrom: reports.map((r) => r.runId),
  };
}

/** The merged report as the collector's record, for the JUnit writer. */
export function mergedRecord(doc: MergedReport): RunRecord {
  return { ...doc, hosts: new Map(Object.entries(doc.hosts)) };
}
