// `--json FILE`: the whole run as one JSON document (schema in docs/report-json.md), written atomically.

import { redactValue } from '../core/redact.js';
import { writeFileAtomic } from './atomic.js';
import { createCollector, type HostRecord, type RunRecord } from './collect.js';
import type { Renderer } from './types.js';

/** The JSON report document, version 1 (see docs/report-json.md). */
export interface JsonReport extends Omit<RunRecord, 'hosts'> {
  version: 1;
  hosts: Record<string, HostRecord>;
}

/** Turns a collected run into the report document, every string redacted. */
export function jsonReport(run: RunRecord): JsonReport {
  const doc: JsonReport = {
    version: 1,
    runId: run.runId,
    playbook: run.playbook,
    check: run.check,
    params: run.params,
    started: run.started,
    durationMs: run.durationMs,
    exitCode: run.exitCode,
    interrupted: run.interrupted,
    hosts: Object.fromEntries(run.hosts),
  };
  return redactValue(doc);
}

/** Collects events (timed by `now`) and writes the JSON report to `file` on `done()` (nothing if the run never started). */
export function createJsonWriter(file: string, now?: () => number): Renderer {
  const collector = createCollector(now);
  return {
    sink: collector.sink,
    async done() {
      const run = collector.record();
      if (run) await writeFileAtomic(file, `${JSON.stringify(jsonReport(run), null, 2)}\n`);
    },
  };
}
