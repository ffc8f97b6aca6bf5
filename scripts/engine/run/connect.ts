// Turns an inventory host into the transport that reaches it (local, or ssh2 with its jump chain).
import { homedir } from 'node:os';
import path from 'node:path';
import { LocalTransport } from '../../transport/local.js';
import { SshTransport } from '../../transport/ssh.js';
import { firstExisting, sshHostSettings } from '../../transport/ssh-config-host.js';
import type { SshConfig } from '../../transport/ssh-connect.js';
import type { Transport } from '../../transport/types.js';
import type { HostEntry, Inventory } from '../model.js';

const KEEPALIVE_MS = 15_000;

/** Parses a ProxyJump spec `[ssh://][user@]host[:port]` that is not an inventory host name. */
export function parseJumpSpec(spec: string): { user?: string; address: string; port?: number } {
  const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec);
  if (!m) return { address: spec };
  return {
    user: m[1],
    address: (m[2] as string).replace(/^\[|\]$/g, ''),
    port: m[3] ? Number(m[3]) : undefined,
  };
}

/** A jump hop outside the inventory: the spec's own values, then the ssh config's for its host, then the target's. */
function specHopConfig(spec: string, target: SshConfig, inventory: Inventory, seen: Set<string>): SshConfig {
  const j = parseJumpSpec(spec);
  const ssh = inventory.sshConfig
    ? sshHostSettings(inventory.sshConfig, { name: j.address, user: j.user, port: j.port })
    : { identityFiles: [] };
  const cfg: SshConfig = {
    ...target,
    host: spec,
    address: ssh.hostName ?? j.address,
    port: j.port ?? ssh.port ?? 22,
    user: j.user ?? ssh.user ?? target.user,
    identityFile: firstExisting(ssh.identityFiles) ?? target.identityFile,
    knownHostsFile: ssh.knownHostsFile ?? target.knownHostsFile,
    hostKeyPolicy: ssh.hostKeyPolicy ?? target.hostKeyPolicy,
    connectTimeoutMs: (ssh.connectTimeout ?? target.connectTimeoutMs / 1000) * 1000,
  };
  delete cfg.jump;
  if (ssh.proxyJump && !seen.has(spec)) {
    const chained = jumpChain(ssh.proxyJump, cfg, inventory, new Set([...seen, spec]));
    if (chained) cfg.jump = chained;
  }
  return cfg;
}

/** The hop config of a jump chain `a,b,c` (a first): c, riding on b, riding on a. */
function jumpChain(
  chain: string,
  target: SshConfig,
  inventory: Inventory,
  seen: Set<string>,
): SshConfig | undefined {
  let previous: SshConfig | undefined;
  for (const [i, hop] of chain.split(',').entries()) {
    if (seen.has(hop)) continue;
    const entry = inventory.hosts.get(hop);
    let cfg: SshConfig;
    if (entry) cfg = sshConfigOf(entry, inventory, new Set([...seen, target.host]));
    else cfg = specHopConfig(hop, target, inventory, new Set([...seen, target.host]));
    // As `ssh -J a,b`: each later hop goes through the one before it, the first hop keeps its own jump.
    if (i > 0) {
      if (previous) cfg.jump = previous;
      else delete cfg.jump;
    }
    previous = cfg;
  }
  return previous;
}

function sshConfigOf(entry: HostEntry, inventory: Inventory, seen: Set<string>): SshConfig {
  const cfg: SshConfig = {
    host: entry.name,
    address: entry.address,
    port: entry.port,
    user: entry.user,
    identityFile: entry.identityFile,
    knownHostsFile: entry.knownHosts ?? path.join(homedir(), '.ssh', 'known_hosts'),
    hostKeyPolicy: entry.hostKeyPolicy,
    connectTimeoutMs: entry.connectTimeout * 1000,
    keepaliveIntervalMs: KEEPALIVE_MS,
  };
  if (entry.jump) {
    const jump = jumpChain(entry.jump, cfg, inventory, seen);
    if (jump) cfg.jump = jump;
  }
  return cfg;
}

/** The SSH settings of one inventory host (with its jump chain), e.g. for an interactive session. */
export function sshConfigFor(entry: HostEntry, inventory: Inventory): SshConfig {
  return sshConfigOf(entry, inventory, new Set([entry.name]));
}

/** The transport for one inventory host. */
export function transportFor(entry: HostEntry, inventory: Inventory): Transport {
  if (entry.connection === 'local') return new LocalTransport(entry.name);
  return new SshTransport(sshConfigFor(entry, inventory));
}
