// Runs a playbook over the targeted hosts: batches, forks, locks, steps, rescue, recap, exit code.
import { randomUUID } from 'node:crypto';
import { ExitCode } from '../../core/errors.js';
import type { HostRecap } from '../events.js';
import { SharedLocks } from '../host-state/shared-lock.js';
import type { HostEntry } from '../model.js';
import { mapLimit } from './pool.js';
import type { RunRequest } from './request.js';
import { runHost } from './run-host.js';
import { maskParams } from './scope.js';

/** The run's result. */
export interface RunSummary {
  exitCode: number;
  recaps: HostRecap[];
  interrupted: boolean;
  durationMs: number;
}

/** The exit code of a run whose hosts ended with these recaps (README, Exit codes); `report merge` uses it too. */
export function runExitCode(ends: HostRecap[], interrupted: boolean): number {
  if (interrupted) return ExitCode.interrupted;
  if (ends.some((r) => r.failed > 0)) return ExitCode.hostFailed;
  if (ends.some((r) => r.locked)) return ExitCode.locked;
  if (ends.some((r) => r.unreachable)) return ExitCode.unreachable;
  return ExitCode.ok;
}

function batches(hosts: string[], serial?: number): string[][] {
  if (!serial || serial >= hosts.length) return [hosts];
  const out: string[][] = [];
  for (let i = 0; i < hosts.length; i += serial) out.push(hosts.slice(i, i + serial));
  return out;
}

/** Runs the playbook on every selected host and emits events; never prints. */
export async function runPlaybook(req: RunRequest): Promise<RunSummary> {
  const started = Date.now();
  const runId = randomUUID();
  req.sink({
    kind: 'run:start',
    runId,
    playbook: req.playbook.name,
    hosts: req.hosts,
    check: req.check,
    params: maskParams(req.params),
    time: new Date().toISOString(),
  });
  const ends: HostRecap[] = [];
  const locks = new SharedLocks();
  for (const batch of batches(req.hosts, req.serial)) {
    if (req.signal.aborted) break;
    const entries = batch.map((h) => req.inventory.hosts.get(h) as HostEntry);
    ends.push(...(await mapLimit(entries, req.forks, (e) => runHost(req, e, locks, runId))));
    const failedPct = (100 * ends.filter((r) => r.failed > 0 || r.unreachable).length) / ends.length;
    if (req.maxFailPercent !== undefined && failedPct > req.maxFailPercent) {
      const left = req.hosts.length - ends.length;
      if (left > 0) {
        req.sink({
          kind: 'warn',
          message: `${failedPct.toFixed(0)}% of hosts failed (max ${req.maxFailPercent}%): ${left} hosts not started`,
        });
      }
      break;
    }
  }
  const interrupted = req.signal.aborted;
  const exitCode = runExitCode(ends, interrupted);
  const recaps = ends;
  const durationMs = Date.now() - started;
  req.sink({ kind: 'run:end', recaps, exitCode, durationMs, interrupted });
  return { exitCode, recaps, interrupted, durationMs };
}
