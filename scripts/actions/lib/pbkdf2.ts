// passlib-compatible pbkdf2_sha256 hashes (`$pbkdf2-sha256$<rounds>$<salt ab64>$<checksum ab64>`), made on the controller.
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** passlib's default rounds for pbkdf2_sha256. */
export const PBKDF2_ROUNDS = 29000;
const SALT_BYTES = 16;
const CHECKSUM_BYTES = 32;
const PREFIX = '$pbkdf2-sha256$';

/** passlib's "adapted base64": standard base64 with `.` for `+` and no `=` padding. */
export function ab64Encode(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
}

/** The bytes of an ab64 string (padding restored). */
export function ab64Decode(text: string): Buffer {
  const b64 = text.replace(/\./g, '+');
  return Buffer.from(b64 + '='.repeat((4 - (b64.length % 4)) % 4), 'base64');
}

/** A new pbkdf2_sha256 hash of `password` with a random 16-byte salt (the salt is a parameter for tests). */
export function pbkdf2Sha256Hash(
  password: string,
  salt: Buffer = randomBytes(SALT_BYTES),
  rounds = PBKDF2_ROUNDS,
): string {
  const checksum = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, rounds, CHECKSUM_BYTES, 'sha256');
  return `${PREFIX}${rounds}$${ab64Encode(salt)}$${ab64Encode(checksum)}`;
}

/** The scheme of a stored hash as the server tells them apart (passlib prefixes). */
export function hashScheme(hash: string): 'pbkdf2_sha256' | 'sha512_crypt' | 'bcrypt' | 'empty' | 'unknown' {
  if (hash === '') return 'empty';
  if (hash.startsWith(PREFIX)) return 'pbkdf2_sha256';
  if (hash.startsWith('$6$')) return 'sha512_crypt';
  if (/^\$2[abxy]?\$/.test(hash)) return 'bcrypt';
  return 'unknown';
}

/** Whether `hash` is a well-formed pbkdf2_sha256 hash of `password`; any other scheme simply does not match. */
export function pbkdf2Sha256Verify(password: string, hash: string): boolean {
  const m = /^\$pbkdf2-sha256\$(\d+)\$([A-Za-z0-9./]*)\$([A-Za-z0-9./]+)$/.exec(hash);
  if (!m) return false;
  const rounds = Number(m[1]);
  if (!Number.isSafeInteger(rounds) || rounds < 1) return false;
  const expected = ab64Decode(m[3] as string);
  if (expected.length === 0) return false;
  const actual = pbkdf2Sync(
    Buffer.from(password, 'utf8'),
    ab64Decode(m[2] as string),
    rounds,
    expected.length,
    'sha256',
  );
  return timingSafeEqual(actual, expected);
}
