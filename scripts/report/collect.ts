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
  /** failed: why in words, one line, without the command; null otherwise. */
  reason: string | null;
  /** failed, and its ignore_errors let the host go on (a warning). */
  ignored: boolean;
  notes: string[];
  data: Record<string, unknown> | null;
  /** When the step started, in ms after the run started. */
  startMs: number;
  durationMs: number;
}

/** One host: its recap (null if it never finished), when it started and its finished steps in order. */
export interface HostRecord {
  recap: HostRecap | null;
  /** When the host started (connection first), in ms after the run started; null if it never started. */
  startMs: number | null;
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

/** Builds a RunRecord from events (timed by `now`); `sink` feeds it, `record()` returns null before run:start. */
export function createCollector(now: () => number = Date.now): {
  sink: (e: RunEvent) => void;
  record(): RunRecord | null;
} {
  let run: RunRecord | null = null;
  let runStart = 0;
  // steps of one host run one at a time, so step:end belongs to the host's last step:start
  const inRescue = new Map<string, boolean>();
  const stepStart = new Map<string, number>();
  const offset = () => Math.max(0, now() - runStart);
  const hostRecord = (host: string): HostRecord => {
    if (!run) throw new Error(`event for host ${host} before run:start`);
    let h = run.hosts.get(host);
    if (!h) {
      h = { recap: null, startMs: null, steps: [] };
      run.hosts.set(host, h);
    }
    return h;
  };
  const sink = (e: RunEvent): void => {
    if (e.kind === 'run:start') {
      runStart = now();
      run = {
        runId: e.runId,
        playbook: e.playbook,
        check: e.check,
        params: e.params,
        started: e.time,
        durationMs: null,
        exitCode: null,
        interrupted: false,
        hosts: new Map(e.hosts.map((h) => [h, { recap: null, startMs: null, steps: [] }])),
      };
    } else if (!run) {
      return;
    } else if (e.kind === 'host:start') {
      hostRecord(e.host).startMs = offset();
    } else if (e.kind === 'step:start') {
      inRescue.set(e.host, e.rescue);
      stepStart.set(e.host, offset());
    } else if (e.kind === 'step:end') {
      hostRecord(e.host).steps.push({
        index: e.index,
        name: e.name,
        rescue: inRescue.get(e.host) ?? false,
        status: e.status,
        changes: e.changes,
        diffs: e.diffs,
        message: e.message ?? null,
        reason: e.reason ?? null,
        ignored: e.ignored ?? false,
        notes: e.notes,
        data: e.data ?? null,
        startMs: stepStart.get(e.host) ?? offset(),
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
