// pbkdf2_sha256 hashes made on the controller: passlib's format, and agreement with Debian's python3-passlib both ways.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ab64Decode,
  ab64Encode,
  hashScheme,
  pbkdf2Sha256Hash,
  pbkdf2Sha256Verify,
} from '../../../../scripts/actions/lib/pbkdf2.js';

const PYTHON = '/usr/bin/python3';
const hasPasslib =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import passlib.hash'], { stdio: 'ignore' }).status === 0;

/** Runs a passlib snippet with the password and hash on stdin (never in argv); returns its stdout. */
function passlib(code: string, input: string): string {
  const r = spawnSync(PYTHON, ['-c', `import sys\nfrom passlib.hash import pbkdf2_sha256\n${code}`], {
    input,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('pbkdf2_sha256 hash', () => {
  it('has passlib format: 29000 rounds, 16-byte salt and 32-byte checksum in ab64', () => {
    const hash = pbkdf2Sha256Hash('correct horse battery');
    const m = /^\$pbkdf2-sha256\$29000\$([A-Za-z0-9./]+)\$([A-Za-z0-9./]+)$/.exec(hash);
    expect(m).not.toBeNull();
    expect(ab64Decode(m?.[1] as string)).toHaveLength(16);
    expect(ab64Decode(m?.[2] as string)).toHaveLength(32);
    expect(hash).not.toContain('=');
    expect(hash).not.toContain('+');
  });

  it('ab64 uses . for + and drops padding, and decodes back', () => {
    const bytes = Buffer.from([0xfb, 0xef, 0xbe, 0x01]);
    expect(bytes.toString('base64')).toBe('++++AQ==');
    expect(ab64Encode(bytes)).toBe('....AQ');
    expect(ab64Decode(ab64Encode(bytes))).toEqual(bytes);
  });

  it('is deterministic for a given salt, random otherwise', () => {
    const salt = Buffer.alloc(16, 7);
    expect(pbkdf2Sha256Hash('same password', salt)).toBe(pbkdf2Sha256Hash('same password', salt));
    expect(pbkdf2Sha256Hash('same password')).not.toBe(pbkdf2Sha256Hash('same password'));
  });

  it('verifies its own hashes and refuses a wrong password or another scheme', () => {
    const hash = pbkdf2Sha256Hash('Pässwörd-10chars');
    expect(pbkdf2Sha256Verify('Pässwörd-10chars', hash)).toBe(true);
    expect(pbkdf2Sha256Verify('Pässwörd-10chars!', hash)).toBe(false);
    expect(pbkdf2Sha256Verify('x', '$6$rounds=656000$salt$abc')).toBe(false);
    expect(pbkdf2Sha256Verify('x', '$2b$12$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234')).toBe(
      false,
    );
    expect(pbkdf2Sha256Verify('x', '')).toBe(false);
    expect(pbkdf2Sha256Verify('x', '$pbkdf2-sha256$29000$$')).toBe(false);
  });

  it('names the schemes the server accepts', () => {
    expect(hashScheme(pbkdf2Sha256Hash('0123456789'))).toBe('pbkdf2_sha256');
    expect(hashScheme('$6$abc$def')).toBe('sha512_crypt');
    expect(hashScheme('$2b$12$x')).toBe('bcrypt');
    expect(hashScheme('')).toBe('empty');
    expect(hashScheme('plain')).toBe('unknown');
  });
});

describe.skipIf(!hasPasslib)('agreement with python3-passlib (apt-get install python3-passlib)', () => {
  const passwords = ['0123456789', 'Pässwörd with spaces & "quotes"', 'x'.repeat(80)];

  it('passlib verifies the hashes made here', () => {
    for (const password of passwords) {
      const hash = pbkdf2Sha256Hash(password);
      const out = passlib(
        'pw, h = sys.stdin.read().split("\\n", 1)\nprint(pbkdf2_sha256.verify(pw, h))',
        `${password}\n${hash}`,
      );
      expect(out).toBe('True');
    }
  });

  it('the hashes passlib makes are verified here, and a wrong password is refused by both', () => {
    for (const password of passwords) {
      const hash = passlib('print(pbkdf2_sha256.hash(sys.stdin.read()))', password);
      expect(hash).toMatch(/^\$pbkdf2-sha256\$29000\$/);
      expect(pbkdf2Sha256Verify(password, hash)).toBe(true);
      expect(pbkdf2Sha256Verify(`${password}?`, hash)).toBe(false);
    }
  });

  it('the same salt gives the same hash as passlib', () => {
    const salt = Buffer.from('0123456789abcdef');
    const ours = pbkdf2Sha256Hash('same password here', salt);
    const theirs = passlib(
      'print(pbkdf2_sha256.using(salt=b"0123456789abcdef", rounds=29000).hash(sys.stdin.read()))',
      'same password here',
    );
    expect(ours).toBe(theirs);
  });
});
