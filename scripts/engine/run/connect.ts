// Turns an inventory host into the transport that reaches it (local, or ssh2 with its jump chain).
import { homedir } from 'node:os';
import path from 'node:path';
import { LocalTransport } from '../../transport/local.js';
import { SshTransport } from '../../transport/ssh.js';
import type { SshConfig } from '../../transport/ssh-connect.js';
import type { Transport } from '../../transport/types.js';
import type { HostEntry, Inventory } from '../model.js';

const KEEPALIVE_MS = 15_000;

/** Parses a ProxyJump spec `[user@]host[:port]` that is not an inventory host name. */
export function parseJumpSpec(spec: string): { user?: string; address: string; port?: number } {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec);
  if (!m) return { address: spec };
  return {
    user: m[1],
    address: (m[2] as string).replace(/^\[|\]$/g, ''),
    port: m[3] ? Number(m[3]) : undefined,
  };
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
  if (entry.jump && !seen.has(entry.jump)) {
    const jumpEntry = inventory.hosts.get(entry.jump);
    if (jumpEntry) {
      cfg.jump = sshConfigOf(jumpEntry, inventory, new Set([...seen, entry.name]));
    } else {
      const j = parseJumpSpec(entry.jump);
      cfg.jump = {
        ...cfg,
        host: entry.jump,
        address: j.address,
        port: j.port ?? 22,
        user: j.user ?? entry.user,
      };
      delete cfg.jump.jump;
    }
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
