// Gathers a run's events into one record (run, hosts, steps, recaps) for the file reports (JSON, JUnit).
import type { FileDiff } from '../actions/types.js';
import type { HostRecap, RunEvent, StepStatus } from '../engine/events.js';

/** One finished step as the reports show it. */
export interface StepRecord {
  index: number;
  name: string;
  rescue: boolean;
  status: StepStatus;
  changes: string[];
  diffs: FileDiff[];
  message: string | null;
  notes: string[];
  data: Record<string, unknown> | null;
  durationMs: number;
}

/** One host: its recap (null if it never finished) and its finished steps in order. */
export interface HostRecord {
  recap: HostRecap | null;
  steps: StepRecord[];
}

/** Everything the file reports need; run:end fields stay null if the run never ended cleanly. */
export interface RunRecord {
  runId: string;
  playbook: string;
  check: boolean;
  params: Record<string, unknown>;
  started: string;
  durationMs: number | null;
  exitCode: number | null;
  interrupted: boolean;
  hosts: Map<string, HostRecord>;
}

/** Builds a RunRecord from events; `sink` feeds it, `record()` returns null before run:start. */
export function createCollector(): { sink: (e: RunEvent) => void; record(): RunRecord | null } {
  let run: RunRecord | null = null;
  // steps of one host run one at a time, so step:end belongs to the host's last step:start
  const inRescue = new Map<string, boolean>();
  const hostRecord = (host: string): HostRecord => {
    if (!run) throw new Error(`event for host ${host} before run:start`);
    let h = run.hosts.get(host);
    if (!h) {
      h = { recap: null, steps: [] };
      run.hosts.set(host, h);
    }
    return h;
  };
  const sink = (e: RunEvent): void => {
    if (e.kind === 'run:start') {
      run = {
        runId: e.runId,
        playbook: e.playbook,
        check: e.check,
        params: e.params,
        started: e.time,
        durationMs: null,
        exitCode: null,
        interrupted: false,
        hosts: new Map(e.hosts.map((h) => [h, { recap: null, steps: [] }])),
      };
    } else if (!run) {
      return;
    } else if (e.kind === 'step:start') {
      inRescue.set(e.host, e.rescue);
    } else if (e.kind === 'step:end') {
      hostRecord(e.host).steps.push({
        index: e.index,
        name: e.name,
        rescue: inRescue.get(e.host) ?? false,
        status: e.status,
        changes: e.changes,
        diffs: e.diffs,
        message: e.message ?? null,
        notes: e.notes,
        data: e.data ?? null,
        durationMs: e.durationMs,
      });
    } else if (e.kind === 'host:end') {
      hostRecord(e.host).recap = e.recap;
    } else if (e.kind === 'run:end') {
      run.durationMs = e.durationMs;
      run.exitCode = e.exitCode;
      run.interrupted = e.interrupted;
      for (const r of e.recaps) hostRecord(r.host).recap ??= r;
    }
  };
  return { sink, record: () => run };
}
