// What `run` and `doctor` share once the hosts and params are known: the reports, Ctrl-C, the run itself,
// and the audit line.
import { ExitCode } from '../core/errors.js';
import { isSecret } from '../core/secret.js';
import type { EventSink, RunEvent } from '../engine/events.js';
import type { Inventory, Playbook } from '../engine/model.js';
import { transportFor } from '../engine/run/connect.js';
import { type RunSummary, runPlaybook } from '../engine/run/run.js';
import { maskParams } from '../engine/run/scope.js';
import { appendAudit } from '../report/audit.js';
import { openReports, type ReportChoice } from './reports.js';

/** One run as the CLI starts it. */
export interface CliRun {
  playbook: Playbook;
  inventory: Inventory;
  hosts: string[];
  params: Record<string, unknown>;
  check: boolean;
  diff?: boolean;
  rollbackOnly?: boolean;
  forks: number;
  serial?: number;
  maxFailPercent?: number;
  reports: Omit<ReportChoice, 'secrets' | 'stepCount'>;
  /** Sees every event after the reports did (doctor collects its findings). */
  onEvent?: (event: RunEvent) => void;
}

/** Runs the playbook with its reports and Ctrl-C handling, writes the audit line, and returns the summary. */
export async function runFromCli(run: CliRun): Promise<RunSummary> {
  const { playbook, inventory, params } = run;
  const secrets = Object.values(params).filter(isSecret);
  const reports = await openReports({
    ...run.reports,
    secrets: secrets.map((s) => s.reveal()),
    stepCount: playbook.steps.length,
  });
  const sink: EventSink = (event) => {
    reports.sink(event);
    run.onEvent?.(event);
  };
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    reports.sink({
      kind: 'warn',
      message: playbook.transaction
        ? 'interrupted: the running step finishes, then every change is rolled back (Ctrl-C again to quit now: a re-run then resumes or rolls back)'
        : 'interrupted: no new step starts; running steps finish (Ctrl-C again to quit now)',
    });
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const summary = await runPlaybook({
    playbook,
    inventory,
    hosts: run.hosts,
    params,
    check: run.check,
    diff: Boolean(run.diff),
    rollbackOnly: Boolean(run.rollbackOnly),
    forks: run.forks,
    serial: run.serial,
    maxFailPercent: run.maxFailPercent,
    sink,
    signal: controller.signal,
    transportFor: (entry) => transportFor(entry, inventory),
  });
  await reports.done();
  await appendAudit({
    playbook: playbook.name,
    params: maskParams(params),
    hosts: run.hosts,
    check: run.check,
    exitCode: summary.exitCode,
    recaps: summary.recaps,
    durationMs: summary.durationMs,
  }).catch((e: Error) => process.stderr.write(`waptops: could not write the audit log: ${e.message}\n`));
  return summary;
}
