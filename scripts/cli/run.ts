// `waptops run`: load and check everything, confirm, run, report, audit, exit with the run's code.

import { ValidationError, WaptopsError } from '../core/errors.js';
import { loadPlaybook } from '../engine/load/load-playbook.js';
import { resolveParams } from '../engine/load/params.js';
import { selectHosts, shardHosts } from '../engine/load/select-hosts.js';
import { maskParams } from '../engine/run/scope.js';
import { type InventoryCliOptions, openInventory } from './inventory.js';
import { runFromCli } from './orchestrate.js';
import { playbookPath } from './paths.js';
import { confirmRun, promptSecret } from './prompt.js';
import { parseShard } from './shard.js';

/** Options of `waptops run` as commander parses them. */
export interface RunCliOptions extends InventoryCliOptions {
  limit?: string;
  extra: string[];
  secretFile: string[];
  check?: boolean;
  diff?: boolean;
  rollback?: boolean;
  forks: number;
  serial?: number;
  maxFailPercent?: number;
  shard?: string;
  json?: string;
  junit?: string;
  html?: string;
  yes?: boolean;
  plain?: boolean;
  verbose?: boolean;
}

function pairs(list: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ValidationError([{ path: flag, message: `expected name=value, got '${item}'` }]);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Runs `fn`, labelling its validation problems with the CLI option they came from. */
function withPath<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new ValidationError(e.problems.map((p) => ({ ...p, path: p.path || flag })));
  }
}

/** Runs a playbook from the command line and exits with the documented code. */
export async function runCommand(playbookArg: string, opts: RunCliOptions): Promise<void> {
  const playbook = loadPlaybook(playbookPath(playbookArg));
  const inventory = openInventory(opts);
  const shard = parseShard(opts.shard, process.env);
  if (opts.rollback && !playbook.transaction) {
    throw new WaptopsError(
      `--rollback: ${playbook.name} is not a transaction playbook (it journals nothing to roll back)`,
    );
  }
  let hosts = selectHosts(inventory, playbook.hosts);
  if (opts.limit) {
    const limited = new Set(withPath('--limit', () => selectHosts(inventory, opts.limit as string)));
    hosts = hosts.filter((h) => limited.has(h));
  }
  if (hosts.length === 0) throw new WaptopsError(`no host matches '${opts.limit ?? playbook.hosts}'`);
  // A shard may hold no host (more shards than hosts): a clean run over none, its report merges like any.
  if (shard) hosts = shardHosts(hosts, shard.k, shard.n);
  const params = await resolveParams(playbook, {
    extra: pairs(opts.extra, '-e'),
    secretFiles: pairs(opts.secretFile, '--secret-file'),
    env: process.env,
    prompt: process.stdin.isTTY ? promptSecret : undefined,
  });
  if (playbook.confirm && !opts.check && !opts.yes && hosts.length > 0)
    await confirmRun(playbook.name, hosts, maskParams(params));
  const summary = await runFromCli({
    playbook,
    inventory,
    hosts,
    params,
    check: Boolean(opts.check),
    diff: opts.diff,
    rollbackOnly: opts.rollback,
    forks: opts.forks,
    serial: opts.serial,
    maxFailPercent: opts.maxFailPercent,
    reports: opts,
  });
  process.exit(summary.exitCode);
}
