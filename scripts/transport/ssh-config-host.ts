// What an OpenSSH client config says about one host: Host/Match blocks applied in order, first value wins, tokens expanded.
import { existsSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import path from 'node:path';
import { type Problem, ValidationError } from '../core/errors.js';
import type { ConfigEntry, ConfigMatch, ConfigOption, SshConfigFile } from './ssh-config-file.js';

/** The settings waptops takes from an ssh config for one host (absent when the config says nothing). */
export interface SshHostSettings {
  hostName?: string;
  user?: string;
  port?: number;
  /** Every IdentityFile, in order, tokens and `~` expanded. */
  identityFiles: string[];
  /** ProxyJump, a comma list of `[user@]host[:port]`; absent for `none`. */
  proxyJump?: string;
  /** The first UserKnownHostsFile. */
  knownHostsFile?: string;
  hostKeyPolicy?: 'strict' | 'accept-new';
  connectTimeout?: number;
}

/** What the caller already knows about the host (the inventory's values): they win, and feed the tokens. */
export interface SshHostQuery {
  name: string;
  hostName?: string;
  user?: string;
  port?: number;
}

/** OpenSSH's pattern match: `*` any run, `?` one character, case-insensitive as for host names. */
function globMatches(pattern: string, text: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(text);
}

/** A pattern list (Host words, or a Match comma list): no negated pattern matches, and some positive one does. */
export function patternListMatches(patterns: string[], text: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatches(p.slice(1), text)) return false;
    } else if (globMatches(p, text)) matched = true;
  }
  return matched;
}

interface Context {
  name: string;
  hostName?: string;
  user?: string;
}

function matchApplies(criteria: ConfigMatch['criteria'], ctx: Context): boolean {
  if (!criteria) return false;
  return criteria.every((c) => {
    const subject = {
      all: '',
      host: ctx.hostName ?? ctx.name,
      originalhost: ctx.name,
      user: ctx.user ?? userInfo().username,
      localuser: userInfo().username,
    }[c.name as 'all'];
    const hit = c.name === 'all' || patternListMatches(c.patterns.split(','), subject);
    return c.negate ? !hit : hit;
  });
}

/** First obtained value per keyword (IdentityFile collects every value), as OpenSSH reads a config. */
function obtain(
  entries: ConfigEntry[],
  ctx: Context,
  active: boolean,
  out: Map<string, ConfigOption[]>,
): void {
  let on = active;
  for (const e of entries) {
    if (e.kind === 'host') on = active && patternListMatches(e.patterns, ctx.name);
    else if (e.kind === 'match') on = active && matchApplies(e.criteria, ctx);
    else if (e.kind === 'include') {
      if (on) obtain(e.entries, ctx, on, out);
    } else if (on && (e.key === 'identityfile' || !out.has(e.key))) {
      out.set(e.key, [...(out.get(e.key) ?? []), e]);
      if (e.key === 'hostname' && ctx.hostName === undefined)
        ctx.hostName = e.values[0]?.replace(/%(.)/g, (all, t) =>
          t === 'h' ? ctx.name : t === '%' ? '%' : all,
        );
      if (e.key === 'user' && ctx.user === undefined) ctx.user = e.values[0];
    }
  }
}

const problemAt = (o: ConfigOption, message: string): Problem => ({
  pos: { file: o.file, line: o.line, col: 1 },
  path: o.key,
  message,
});

/** Expands `%x` tokens from `tokens` (any other is an error, as in OpenSSH) and `${VAR}` when `env`. */
function expand(o: ConfigOption, value: string, tokens: Record<string, string>, problems: Problem[]): string {
  const withTokens = value.replace(/%(.?)/g, (all, t: string) => {
    const v = tokens[t];
    if (v === undefined) problems.push(problemAt(o, `unknown or unsupported token '${all}'`));
    return v ?? all;
  });
  return withTokens.replace(/\$\{([A-Za-z_]\w*)\}/g, (all, name: string) => process.env[name] ?? all);
}

function expandPath(o: ConfigOption, value: string, tokens: Record<string, string>, problems: Problem[]) {
  const v = expand(o, value, tokens, problems);
  return v === '~' ? homedir() : v.startsWith('~/') ? path.join(homedir(), v.slice(2)) : v;
}

function hostKeyPolicy(o: ConfigOption, problems: Problem[]): SshHostSettings['hostKeyPolicy'] {
  const v = (o.values[0] ?? '').toLowerCase();
  if (v === 'yes' || v === 'ask') return 'strict';
  // A changed key is still refused: waptops never connects past one.
  if (v === 'accept-new' || v === 'no' || v === 'off') return 'accept-new';
  problems.push(problemAt(o, `expected yes, ask, accept-new, no or off, got '${o.values[0]}'`));
  return undefined;
}

function positiveInt(o: ConfigOption, max: number, problems: Problem[]): number | undefined {
  const v = o.values[0] ?? '';
  if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= max) return Number(v);
  problems.push(problemAt(o, `expected a number from 1 to ${max}, got '${v}'`));
  return undefined;
}

/** The settings an ssh config gives one host; the query's own values win. Bad values: a ValidationError at file:line. */
export function sshHostSettings(config: SshConfigFile, q: SshHostQuery): SshHostSettings {
  const found = new Map<string, ConfigOption[]>();
  obtain(config.entries, { name: q.name, hostName: q.hostName, user: q.user }, true, found);
  // A host whose address differs from its name also gets what the config says about the address.
  if (q.hostName && q.hostName !== q.name) {
    const more = new Map<string, ConfigOption[]>();
    obtain(config.entries, { name: q.hostName, hostName: q.hostName, user: q.user }, true, more);
    for (const [k, v] of more) if (!found.has(k)) found.set(k, v);
  }
  const one = (key: string) => found.get(key)?.[0];
  const problems: Problem[] = [];
  const out: SshHostSettings = { identityFiles: [] };
  const hostNameOpt = one('hostname');
  const hostName =
    q.hostName ??
    (hostNameOpt && expand(hostNameOpt, hostNameOpt.values[0] ?? '', { '%': '%', h: q.name }, problems));
  if (hostName !== undefined && q.hostName === undefined) out.hostName = hostName;
  const portOpt = one('port');
  if (portOpt && q.port === undefined) out.port = positiveInt(portOpt, 65535, problems);
  const userOpt = one('user');
  if (userOpt && q.user === undefined) out.user = userOpt.values[0];
  const local = userInfo();
  const tokens: Record<string, string> = {
    '%': '%',
    d: homedir(),
    h: hostName ?? q.name,
    i: String(local.uid),
    L: hostname().split('.')[0] ?? '',
    l: hostname(),
    n: q.name,
    p: String(q.port ?? out.port ?? 22),
    r: q.user ?? out.user ?? local.username,
    u: local.username,
  };
  for (const o of found.get('identityfile') ?? [])
    out.identityFiles.push(expandPath(o, o.values[0] ?? '', tokens, problems));
  const known = one('userknownhostsfile');
  if (known) out.knownHostsFile = expandPath(known, known.values[0] ?? '', tokens, problems);
  const jump = one('proxyjump');
  const jumpTokens = {
    '%': '%',
    h: tokens.h as string,
    n: q.name,
    p: tokens.p as string,
    r: tokens.r as string,
  };
  if (jump && jump.values[0]?.toLowerCase() !== 'none')
    out.proxyJump = expand(jump, jump.values.join(','), jumpTokens, problems);
  const strict = one('stricthostkeychecking');
  if (strict) out.hostKeyPolicy = hostKeyPolicy(strict, problems);
  const timeout = one('connecttimeout');
  if (timeout) out.connectTimeout = positiveInt(timeout, 86_400, problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return out;
}

/** True when a `Host` line names `name` itself (not only through a wildcard): an alias the config knows. */
export function namesHost(config: SshConfigFile, name: string): boolean {
  const names = (entries: ConfigEntry[]): boolean =>
    entries.some((e) =>
      e.kind === 'include'
        ? names(e.entries)
        : e.kind === 'host' &&
          e.patterns.some((p) => !/[*?!]/.test(p) && p.toLowerCase() === name.toLowerCase()),
    );
  return names(config.entries);
}

/** The first IdentityFile that exists, as OpenSSH skips missing ones (none: ssh-agent is used). */
export function firstExisting(files: string[]): string | undefined {
  return files.find((f) => existsSync(f));
}
