// A host's connection settings: what the inventory sets wins, the OpenSSH client config fills the rest, then defaults.
import { homedir, userInfo } from 'node:os';
import path from 'node:path';
import type { SshConfigFile } from '../../transport/ssh-config-file.js';
import { firstExisting, sshHostSettings } from '../../transport/ssh-config-host.js';
import type { HostEntry } from '../model.js';

/** Connection values an inventory wrote for a host (its own or inherited from defaults/groups). */
export interface InventorySettings {
  address?: string;
  port?: number;
  user?: string;
  identityFile?: string;
  knownHosts?: string;
  hostKeyPolicy?: 'strict' | 'accept-new';
  connectTimeout?: number;
  jump?: string;
}

/** The connection fields of a HostEntry. */
export type ConnectionFields = Pick<
  HostEntry,
  'address' | 'port' | 'user' | 'identityFile' | 'knownHosts' | 'hostKeyPolicy' | 'connectTimeout' | 'jump'
>;

/** Merges inventory values, then the ssh config's for this host (by name, then address), then the defaults. */
export function connectionFields(
  name: string,
  inv: InventorySettings,
  sshConfig: SshConfigFile | undefined,
): ConnectionFields {
  const ssh = sshConfig
    ? sshHostSettings(sshConfig, { name, hostName: inv.address, user: inv.user, port: inv.port })
    : { identityFiles: [] };
  const out: ConnectionFields = {
    address: inv.address ?? ssh.hostName ?? name,
    port: inv.port ?? ssh.port ?? 22,
    user: inv.user ?? ssh.user ?? userInfo().username,
    hostKeyPolicy: inv.hostKeyPolicy ?? ssh.hostKeyPolicy ?? 'strict',
    connectTimeout: inv.connectTimeout ?? ssh.connectTimeout ?? 10,
  };
  const identityFile = inv.identityFile ?? firstExisting(ssh.identityFiles);
  const knownHosts = inv.knownHosts ?? ssh.knownHostsFile;
  const jump = inv.jump ?? ssh.proxyJump;
  if (identityFile) out.identityFile = identityFile;
  if (knownHosts) out.knownHosts = knownHosts;
  if (jump && jump !== name) out.jump = jump;
  return out;
}

/** A path written in an inventory: `~` is the home directory, a relative path is relative to the inventory file. */
export function besideInventory(inventoryFile: string, p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  const expanded = p === '~' ? homedir() : p.startsWith('~/') ? path.join(homedir(), p.slice(2)) : p;
  return path.resolve(path.dirname(inventoryFile), expanded);
}
