// Detached jobs on a host: a change's commands run under systemd-run (setsid as fallback), outliving the
// SSH connection (they run as root); the runner polls the job's files, and a re-run attaches to a job still running.
import { setTimeout as sleep } from 'node:timers/promises';
import { StepError } from '../../core/errors.js';
import type { Command } from '../../transport/command.js';
import { renderCommand, sh } from '../../transport/command.js';
import { hostScript } from '../../transport/host-script.js';
import type { RunResult } from '../../transport/types.js';
import type { HostSession, StepHooks } from '../host-session.js';

/** Where job directories live on a host (root only): script, pid, log, rc. */
export const JOBS_DIR = '/var/lib/waptops/jobs';

/** How a detached change runs. */
export interface DetachedJob {
  /** Stable per playbook, step and change, so a re-run finds the job: `<playbook>-<step>-<change>`. */
  name: string;
  /** Run in order by root, stopping at the first failure. */
  commands: Command[];
  progress?: { command: Command; total: number };
  /** Seconds between polls. */
  pollSeconds?: number;
}

/** The host side of jobs: launch, poll and stop (detached-job.sh, beside this file). */
const JOB_SCRIPT = new URL('./detached-job.sh', import.meta.url);

/** The job's state as one poll sees it: its exit code, running (with progress), or gone. */
type JobState =
  | { kind: 'done'; rc: number }
  | { kind: 'running'; done?: number; line?: string }
  | { kind: 'absent' };

function jobDir(name: string): string {
  return `${JOBS_DIR}/${name}`;
}

function pollCommand(job: DetachedJob): Command {
  const progress = job.progress ? renderCommand(job.progress.command) : 'true';
  return hostScript(JOB_SCRIPT, 'poll', jobDir(job.name), progress);
}

async function poll(session: HostSession, job: DetachedJob): Promise<JobState | { kind: 'starting' }> {
  const r = await session.run(pollCommand(job), true);
  if (r.code !== 0) throw new StepError(`cannot read the state of job ${job.name}: ${r.stderr.trim()}`);
  const [first = '', line] = r.stdout.split('\n');
  const [word, value] = first.trim().split(/\s+/, 2);
  if (word === 'done') return { kind: 'done', rc: Number(value) };
  if (word === 'running') {
    const done = Number(value);
    return { kind: 'running', done: Number.isFinite(done) && value ? done : undefined, line: line?.trim() };
  }
  return { kind: word === 'starting' ? 'starting' : 'absent' };
}

async function start(session: HostSession, job: DetachedJob): Promise<void> {
  const script = `set -e\n${job.commands.map((c) => renderCommand(c)).join('\n')}\n`;
  // systemd-run puts the job in its own unit, outside the SSH session; setsid is the fallback.
  const launch = hostScript(JOB_SCRIPT, 'launch', jobDir(job.name), `waptops-job-${job.name}`);
  const r = await session.run({ ...launch, stdin: script }, true);
  if (r.code !== 0) throw new StepError(`cannot start job ${job.name}: ${r.stderr.trim()}`);
}

async function tailLog(session: HostSession, job: DetachedJob): Promise<string> {
  const r = await session.run(sh`tail -n 20 ${`${jobDir(job.name)}/log`}`, true);
  return r.stdout;
}

/** Removes a finished job's directory. */
export async function forgetJob(session: HostSession, name: string): Promise<void> {
  await session.run(sh`rm -rf ${jobDir(name)}`, true);
}

/** Kills every running job whose name starts with `prefix`, its whole process group (systemd and setsid both make the job a group leader), before a rollback undoes what it did. */
export async function stopJobs(session: HostSession, prefix: string): Promise<void> {
  await session.run(hostScript(JOB_SCRIPT, 'stop', JOBS_DIR, prefix), true);
}

/**
 * Runs the job detached and waits for it: attaches when a job of that name is still running (a re-run
 * after a lost connection), else starts it. Reports progress and the log's last line; returns like a command.
 */
export async function runDetached(
  session: HostSession,
  job: DetachedJob,
  hooks: StepHooks,
  signal: AbortSignal,
): Promise<RunResult> {
  const started = Date.now();
  let state = await poll(session, job);
  if (state.kind === 'running' || state.kind === 'starting') {
    hooks.onNote(`attached to job ${job.name}, still running from an earlier run`);
  } else {
    await start(session, job);
  }
  let lastLine = '';
  let waitedForStart = 0;
  for (;;) {
    state = await poll(session, job);
    if (state.kind === 'done') break;
    if (state.kind === 'absent' || (state.kind === 'starting' && ++waitedForStart > 30)) {
      throw new StepError(
        `job ${job.name} ended without an exit status (killed?): ${await tailLog(session, job)}`,
      );
    }
    if (state.kind === 'running') {
      if (job.progress && state.done !== undefined)
        hooks.onProgress(Math.max(0, state.done), job.progress.total);
      if (state.line && state.line !== lastLine) {
        lastLine = state.line;
        hooks.onOutput(lastLine);
      }
    }
    // Ctrl-C stops the waiting, not the job: the job is what must not be cut halfway.
    if (signal.aborted) throw new StepError(`interrupted while job ${job.name} was running`);
    await sleep((job.pollSeconds ?? 1) * 1000);
  }
  const log = await tailLog(session, job);
  await forgetJob(session, job.name);
  const failed = state.rc !== 0;
  return {
    code: state.rc,
    stdout: failed ? '' : log,
    stderr: failed ? log : '',
    durationMs: Date.now() - started,
    timedOut: false,
  };
}
