// OpenSSH known_hosts: lookup (plain, wildcard-free patterns, hashed |1| and [host]:port), fingerprints, append.
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One key line of a known_hosts file that names the host being checked. */
export interface KnownKey {
  keyType: string;
  key: Buffer;
  /** 1-based line number in the file. */
  line: number;
  revoked: boolean;
}

/** What the file says about the key a server presented. */
export type HostKeyVerdict =
  | { kind: 'known'; entry: KnownKey }
  | { kind: 'unknown'; otherTypes: string[] }
  | { kind: 'changed'; entry: KnownKey }
  | { kind: 'revoked'; entry: KnownKey };

/** The name a host is recorded under: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** The OpenSSH SHA256 fingerprint of a public key blob (`SHA256:` + unpadded base64). */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written inside an SSH public key blob (e.g. `ssh-ed25519`). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return '';
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}

// ssh2's own default order of host key algorithms.
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Host key algorithms to offer, those matching already known key types first (as OpenSSH does). */
export function hostKeyAlgorithmsFor(knownKeyTypes: string[]): string[] {
  const preferred = knownKeyTypes.flatMap((t) =>
    t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t],
  );
  return [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])].filter((a) => HOST_KEY_ALGORITHMS.includes(a));
}

function hashedPatternMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function patternsMatch(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedPatternMatches(field, name);
  let matched = false;
  for (const raw of field.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!globToRegExp(pattern).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** Every key line in known_hosts text that applies to `name` (`@cert-authority` lines are skipped). */
export function keysForHost(text: string, name: string): KnownKey[] {
  const found: KnownKey[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const fields = rawLine.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let revoked = false;
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked') return;
      revoked = true;
      fields.shift();
    }
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64 || !patternsMatch(hosts, name)) return;
    found.push({ keyType, key: Buffer.from(keyBase64, 'base64'), line: i + 1, revoked });
  });
  return found;
}

/** Compares a presented key with the file's keys for the host. */
export function judgeHostKey(known: KnownKey[], presented: Buffer): HostKeyVerdict {
  const revoked = known.find((k) => k.revoked && k.key.equals(presented));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const trusted = known.filter((k) => !k.revoked);
  const match = trusted.find((k) => k.key.equals(presented));
  if (match) return { kind: 'known', entry: match };
  const type = keyTypeOf(presented);
  const sameType = trusted.find((k) => k.keyType === type);
  if (sameType) return { kind: 'changed', entry: sameType };
  return { kind: 'unknown', otherTypes: [...new Set(trusted.map((k) => k.keyType))] };
}

/** Reads a known_hosts file; a missing file reads as empty. */
export async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** Appends a host's key to known_hosts (creating the file and its directory, mode 0600). */
export async function recordHostKey(file: string, name: string, key: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readKnownHosts(file);
  const sep = existing && !existing.endsWith('\n') ? '\n' : '';
  await appendFile(file, `${sep}${name} ${keyTypeOf(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
}
