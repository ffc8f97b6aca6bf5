// OpenSSH known_hosts: lookup (plain, wildcard-free patterns, hashed |1| and [host]:port), fingerprints, append.
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { forgetShared, readShared } from './file-cache.js';

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

/** A test of one host name against one pattern: plain names are compared, only globs become regexps. */
function patternTest(pattern: string): (name: string) => boolean {
  if (!/[*?]/.test(pattern)) {
    const lower = pattern.toLowerCase();
    return (name) => name.toLowerCase() === lower;
  }
  const re = globToRegExp(pattern);
  return (name) => re.test(name);
}

/** The matcher of a line's host field (a comma list with `!` negations, or one hashed `|1|` name). */
function fieldMatcher(field: string): (name: string) => boolean {
  if (field.startsWith('|')) return (name) => hashedPatternMatches(field, name);
  const tests = field.split(',').map((raw) => {
    const negated = raw.startsWith('!');
    return { negated, test: patternTest(negated ? raw.slice(1) : raw) };
  });
  return (name) => {
    let matched = false;
    for (const t of tests) {
      if (!t.test(name)) continue;
      if (t.negated) return false;
      matched = true;
    }
    return matched;
  };
}

/** One key line, parsed once. */
interface KnownLine extends KnownKey {
  matches: (name: string) => boolean;
}

function parseKnownHosts(text: string): KnownLine[] {
  const lines: KnownLine[] = [];
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
    if (!hosts || !keyType || !keyBase64) return;
    lines.push({
      keyType,
      key: Buffer.from(keyBase64, 'base64'),
      line: i + 1,
      revoked,
      matches: fieldMatcher(hosts),
    });
  });
  return lines;
}

// A run checks every host against the same file: it is parsed once per content, not once per host.
const parsed = new Map<string, KnownLine[]>();
const PARSED_KEPT = 8;

function knownLinesOf(text: string): KnownLine[] {
  let lines = parsed.get(text);
  if (!lines) {
    lines = parseKnownHosts(text);
    if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value as string);
    parsed.set(text, lines);
  }
  return lines;
}

/** Every key line in known_hosts text that applies to `name` (`@cert-authority` lines are skipped). */
export function keysForHost(text: string, name: string): KnownKey[] {
  return knownLinesOf(text)
    .filter((l) => l.matches(name))
    .map(({ keyType, key, line, revoked }) => ({ keyType, key, line, revoked }));
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
    return (await readShared(file)).toString('utf8');
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
  forgetShared(file);
}
