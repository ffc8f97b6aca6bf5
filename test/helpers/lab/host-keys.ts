// SSH host key fingerprints of lab hosts, as OpenSSH and waptops print them (SHA256:...).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LAB_FILES } from '../../../scripts/lab/config.js';
import { labHost } from '../../../scripts/lab/faults.js';

/** The SHA256 fingerprint of an OpenSSH public key line (`type base64 [comment]`). */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key: ${publicKeyLine}`);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** The fingerprint of the key the lab known_hosts pins for this host. */
export function pinnedFingerprint(name: string): string {
  const { address } = labHost(name);
  const line = readFileSync(LAB_FILES.knownHosts, 'utf8')
    .split('\n')
    .find((entry) => entry.split(/\s+/)[0]?.split(',').includes(address));
  if (!line) throw new Error(`no known_hosts line for ${name} (${address})`);
  return fingerprintOf(line.split(/\s+/).slice(1).join(' '));
}
