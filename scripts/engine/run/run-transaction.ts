// The run's side of a transaction playbook on one host: open (resume notice), roll back on failure, commit.

import { ConnectError, WaptopsError } from '../../core/errors.js';
import type { HostRecap } from '../events.js';
import type { HostSession } from '../host-session.js';
import { stopJobs } from '../host-state/detached.js';
import { journalPath } from '../host-state/journal.js';
import { currentHolder } from '../host-state/lock.js';
import { Transaction } from '../host-state/transaction.js';
import type { RunRequest } from './request.js';
import { maskParams } from './scope.js';

/** Opens the host's transaction (undefined for other playbooks) and says when it resumes an interrupted run. */
export async function openTransaction(
  req: RunRequest,
  session: HostSession,
  runId: string,
): Promise<Transaction | undefined> {
  if (!req.playbook.transaction) return undefined;
  const holder = currentHolder(req.playbook.name);
  const tx = new Transaction(session, {
    runId,
    playbook: req.playbook.name,
    inputs: maskParams(req.params),
    by: `${holder.user}@${holder.controller}`,
    check: req.check,
  });
  await tx.open();
  const was = tx.interrupted;
  if (was) {
    const what = was.rollingBack
      ? 'its rollback was cut: finishing the rollback'
      : req.rollbackOnly
        ? 'rolling it back (--rollback)'
        : `resuming it: ${was.steps} steps done, ${was.changes} changes journaled`;
    req.sink({
      kind: 'warn',
      host: session.entry.name,
      message: `interrupted run ${was.runId} of ${was.time} by ${was.by} found in ${journalPath(req.playbook.name)}; ${what}${req.check ? ' (check mode: nothing is written)' : ''}`,
    });
  }
  return tx;
}

/** Rolls back a failed or interrupted transaction, tells the renderers and notes it in the recap. */
export async function rollBack(
  req: RunRequest,
  session: HostSession,
  tx: Transaction,
  reason: string,
  recap: HostRecap,
): Promise<void> {
  const host = session.entry.name;
  if (!tx.hasChanges) return;
  if (req.check) {
    req.sink({ kind: 'warn', host, message: `a real run would roll back the journaled changes (${reason})` });
    return;
  }
  try {
    await stopJobs(session, req.playbook.name);
    const result = await tx.rollback(reason);
    recap.rollback = result;
    req.sink({ kind: 'rollback', host, ...result });
  } catch (e) {
    const why = e instanceof WaptopsError ? e.message : String(e);
    const lost = e instanceof ConnectError;
    recap.rollback = { reason, undone: [], kept: [], failed: [why] };
    req.sink({
      kind: 'warn',
      host,
      message: `${lost ? 'connection lost before the rollback' : 'rollback stopped'}: ${why}; the journal ${journalPath(req.playbook.name)} on the host keeps the changes: re-run the same command to finish or roll back`,
    });
  }
}
