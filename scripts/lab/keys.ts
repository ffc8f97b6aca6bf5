// Lab SSH material: the client key (made once), the pinned known_hosts, and the lab admin password.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { LAB_FILES, type LabHost, STATE_DIR } from './config.js';
import { sh } from './shell.js';

/** Creates the lab client key (ed25519) if missing; returns the public key's path. */
export async function ensureClientKey(): Promise<string> {
  mkdirSync(STATE_DIR, { recursive: true, mode: 0o700 });
  if (!existsSync(LAB_FILES.clientKey)) {
    await sh`ssh-keygen -q -t ed25519 -N ${''} -C waptops-lab -f ${LAB_FILES.clientKey}`;
  }
  return `${LAB_FILES.clientKey}.pub`;
}

/** The lab WAPT admin password (random, made once, kept mode 600 in the state directory, never printed). */
export function ensureAdminPassword(): string {
  if (!existsSync(LAB_FILES.adminPassword)) {
    writeFileSync(LAB_FILES.adminPassword, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
  }
  return readFileSync(LAB_FILES.adminPassword, 'utf8').trim();
}

/** One known_hosts line pinning a host's key under its address, name and FQDN. */
export function knownHostsLine(host: LabHost, publicKey: string): string {
  const [type, key] = publicKey.split(/\s+/);
  return `${host.address},${host.name},${host.fqdn} ${type} ${key}`;
}

/** Writes the lab known_hosts file from host name -> public key. */
export function writeKnownHosts(hosts: readonly LabHost[], keys: Record<string, string>): void {
  const lines = hosts
    .filter((host) => keys[host.name])
    .map((host) => knownHostsLine(host, keys[host.name] ?? ''));
  writeFileSync(LAB_FILES.knownHosts, `${lines.join('\n')}\n`, { mode: 0o644 });
}
