// Picks hosts from an inventory by pattern, and splits a host list into stable shards.
import { createHash } from 'node:crypto';
import { type Problem, ValidationError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import type { Inventory } from '../model.js';

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The hosts one pattern term names: a host, a group, or a glob over host and group names. */
function hostsOfTerm(inv: Inventory, term: string, problems: Problem[]): string[] {
  const group = inv.groups.get(term);
  if (group) return group;
  if (inv.hosts.has(term)) return [term];
  if (/[*?[]/.test(term)) {
    const re = globToRegExp(term);
    const found = [...inv.hosts.keys()].filter((h) => re.test(h));
    for (const [name, members] of inv.groups) if (re.test(name)) found.push(...members);
    if (found.length === 0) problems.push({ path: '', message: `'${term}' matches no host or group` });
    return found;
  }
  const known = [...inv.hosts.keys(), ...inv.groups.keys()];
  problems.push({ path: '', message: `unknown host or group '${term}'${didYouMean(term, known)}` });
  return [];
}

/**
 * The hosts a pattern selects, in inventory order. A pattern is a comma list of host names,
 * group names and globs (`srv*`); `!term` excludes; only exclusions means "all but".
 */
export function selectHosts(inv: Inventory, pattern: string): string[] {
  const problems: Problem[] = [];
  const included = new Set<string>();
  const excluded = new Set<string>();
  const terms = pattern
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  for (const term of terms) {
    const exclude = term.startsWith('!');
    const names = hostsOfTerm(inv, exclude ? term.slice(1).trim() : term, problems);
    for (const n of names) (exclude ? excluded : included).add(n);
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const onlyExclusions = terms.every((t) => t.startsWith('!'));
  return [...inv.hosts.keys()].filter((h) => (onlyExclusions || included.has(h)) && !excluded.has(h));
}

function score(host: string, shard: number): bigint {
  return createHash('sha256').update(`${shard}\0${host}`).digest().readBigUInt64BE(0);
}

/**
 * Shard `k` of `n` (1-based) of a host list, keeping the list's order.
 *
 * Rendezvous hashing: each host goes to the shard with the highest hash of (shard, host name).
 * The choice depends only on the host's own name, never on its position, so adding or removing
 * a host moves no other host, and going from n to n+1 shards moves only about 1/(n+1) of them.
 */
export function shardHosts(names: string[], k: number, n: number): string[] {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 1 || k > n) {
    throw new ValidationError([{ path: '--shard', message: `expected K/N with 1 <= K <= N, got ${k}/${n}` }]);
  }
  return names.filter((host) => {
    let best = 1;
    for (let shard = 2; shard <= n; shard++) if (score(host, shard) > score(host, best)) best = shard;
    return best === k;
  });
}
