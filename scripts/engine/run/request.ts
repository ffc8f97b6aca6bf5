// What one run of a playbook is asked to do: the request the CLI (or a test) builds for the run loop.
import type { Action } from '../../actions/types.js';
import type { Transport } from '../../transport/types.js';
import type { EventSink } from '../events.js';
import type { HostEntry, Inventory, Playbook } from '../model.js';

/** Everything a run needs; the CLI builds it, tests build it directly. */
export interface RunRequest {
  playbook: Playbook;
  inventory: Inventory;
  /** Hosts already selected (limit, shard applied), in order. */
  hosts: string[];
  params: Record<string, unknown>;
  check: boolean;
  diff: boolean;
  forks: number;
  serial?: number;
  maxFailPercent?: number;
  sink: EventSink;
  /** Aborted on Ctrl-C: no new step starts. */
  signal: AbortSignal;
  transportFor(entry: HostEntry): Transport;
  /** Only roll back an interrupted transaction journaled on each host; run no step. */
  rollbackOnly?: boolean;
  actions?: Record<string, Action>;
}
