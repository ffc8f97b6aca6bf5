// Builds synthetic engine event sequences for renderer tests: a run described as hosts and steps.
import { PassThrough } from 'node:stream';
import type { FileDiff } from '../../../scripts/actions/types.js';
import type { HostRecap, RunEvent, StepStatus } from '../../../scripts/engine/events.js';

/** One step as the test wants it to happen. */
export interface StepSpec {
  name: string;
  status?: StepStatus;
  rescue?: boolean;
  commands?: string[];
  output?: string[];
  progress?: [done: number, total: number][];
  changes?: string[];
  diffs?: FileDiff[];
  message?: string;
  /** failed: the reason in words the engine gives beside the message. */
  reason?: string;
  /** failed under ignore_errors: a warning, counted ok. */
  ignored?: boolean;
  notes?: string[];
  data?: Record<string, unknown>;
  durationMs?: number;
}

/** One host: its steps, or why it was unreachable, or a host-level error. */
export interface HostSpec {
  name: string;
  steps?: StepSpec[];
  unreachable?: string;
  error?: string;
  durationMs?: number;
}

/** A whole run. */
export interface RunSpec {
  hosts: HostSpec[];
  check?: boolean;
  params?: Record<string, unknown>;
  warnings?: { host?: string; message: string }[];
  exitCode?: number;
  interrupted?: boolean;
  durationMs?: number;
}

/** The events of one step, from step:start to step:end. */
export function stepEvents(host: string, index: number, s: StepSpec, check = false): RunEvent[] {
  const events: RunEvent[] = [{ kind: 'step:start', host, index, name: s.name, rescue: s.rescue ?? false }];
  for (const command of s.commands ?? []) events.push({ kind: 'cmd', host, index, command });
  for (const line of s.output ?? []) events.push({ kind: 'output', host, index, line });
  for (const [done, total] of s.progress ?? []) events.push({ kind: 'progress', host, index, done, total });
  events.push({
    kind: 'step:end',
    host,
    index,
    name: s.name,
    status: s.status ?? 'ok',
    changes: s.changes ?? [],
    diffs: s.diffs ?? [],
    ...(s.message === undefined ? {} : { message: s.message }),
    ...(s.reason === undefined ? {} : { reason: s.reason }),
    ...(s.ignored ? { ignored: true } : {}),
    notes: s.notes ?? [],
    ...(s.data === undefined ? {} : { data: s.data }),
    durationMs: s.durationMs ?? 100,
    check,
  });
  return events;
}

/** The recap the engine would compute for a host spec. */
export function recapOf(h: HostSpec): HostRecap {
  const steps = h.steps ?? [];
  const ignored = steps.filter((s) => s.ignored).length;
  const count = (st: StepStatus) => steps.filter((s) => (s.status ?? 'ok') === st && !s.ignored).length;
  const recap: HostRecap = {
    host: h.name,
    ok: count('ok') + ignored,
    changed: count('changed'),
    failed: count('failed'),
    skipped: count('skipped'),
    ...(ignored > 0 ? { ignored } : {}),
    unreachable: h.unreachable !== undefined,
    durationMs: h.durationMs ?? (h.steps ?? []).reduce((t, s) => t + (s.durationMs ?? 100), 0),
  };
  const failed = steps.find((s) => s.status === 'failed' && !s.ignored);
  const error = h.unreachable ?? h.error ?? failed?.reason ?? failed?.message;
  return error === undefined ? recap : { ...recap, error };
}

/** Exit code as the engine documents it: 3 if any host unreachable, else 2 if any failed, else 0. */
function exitCodeOf(recaps: HostRecap[]): number {
  if (recaps.some((r) => r.unreachable)) return 3;
  return recaps.some((r) => r.failed > 0 || r.error) ? 2 : 0;
}

/** The events of one host, host:start to host:end. */
export function hostEvents(h: HostSpec, check = false): RunEvent[] {
  const events: RunEvent[] = [{ kind: 'host:start', host: h.name }];
  if (h.unreachable === undefined) {
    events.push({ kind: 'host:connect', host: h.name, durationMs: 300 });
    let main = 0;
    let rescue = 0;
    for (const s of h.steps ?? []) events.push(...stepEvents(h.name, s.rescue ? rescue++ : main++, s, check));
  }
  events.push({ kind: 'host:end', host: h.name, recap: recapOf(h) });
  return events;
}

/** A whole run's events, hosts one after another, warnings just before run:end. */
export function runEvents(spec: RunSpec): RunEvent[] {
  const check = spec.check ?? false;
  const recaps = spec.hosts.map(recapOf);
  return [
    {
      kind: 'run:start',
      runId: 'run-0001',
      playbook: 'restart-nginx',
      hosts: spec.hosts.map((h) => h.name),
      check,
      params: spec.params ?? {},
      time: '2026-11-24T03:00:00.000Z',
    },
    ...spec.hosts.flatMap((h) => hostEvents(h, check)),
    ...(spec.warnings ?? []).map((w): RunEvent => ({ kind: 'warn', ...w })),
    {
      kind: 'run:end',
      recaps,
      exitCode: spec.exitCode ?? exitCodeOf(recaps),
      durationMs: spec.durationMs ?? 4200,
      interrupted: spec.interrupted ?? false,
    },
  ];
}

/** A clock stuck at the run's start plus `ms`, for exact timestamps. */
export function fixedClock(): { now: () => Date; advance(ms: number): void } {
  let t = Date.parse('2026-11-24T03:00:00Z');
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A writable stream that keeps what is written, as text. */
export function captured(): { stream: NodeJS.WritableStream; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
