// The zip reader against zips written by python3's zipfile: stored, deflated, ZIP64, and files that are not zips.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openZip, ZipFormatError } from '../../../../scripts/actions/lib/zip-directory.js';
import { makeZip } from '../../../helpers/make-zip.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const payload = randomBytes(300_000);
const members = [
  { name: 'WAPT/control', data: 'package : demo\nversion : 1.0-1\n' },
  { name: 'setup.py', data: 'def install():\n    pass\n' },
  { name: 'payload/blob.bin', data: payload },
];

/** Every member but the ZIP64 fillers, read, and how many entries the directory lists. */
async function contents(path: string): Promise<{ read: Record<string, Buffer>; count: number }> {
  const zip = await openZip(path);
  try {
    const read: Record<string, Buffer> = {};
    for (const e of zip.entries) if (!e.name.startsWith('filler/')) read[e.name] = await zip.read(e);
    return { read, count: zip.entries.length };
  } finally {
    await zip.close();
  }
}

describe('openZip', () => {
  for (const [label, opts] of [
    ['deflated', { deflate: true }],
    ['stored', { deflate: false }],
    ['ZIP64 deflated', { deflate: true, zip64: true }],
  ] as const) {
    it(`lists and reads every member of a ${label} zip`, async () => {
      const path = join(dir, `${label.replace(' ', '-')}.zip`);
      makeZip(path, members, opts);
      const { read, count } = await contents(path);
      expect(Object.keys(read)).toEqual(['WAPT/control', 'setup.py', 'payload/blob.bin']);
      expect(count).toBe('zip64' in opts ? 70003 : 3);
      expect(read['WAPT/control']?.toString()).toBe(members[0]?.data);
      expect(read['payload/blob.bin']?.equals(payload)).toBe(true);
    });
  }

  it('refuses a text file, an empty file and a truncated zip with ZipFormatError', async () => {
    const text = join(dir, 'text.wapt');
    writeFileSync(text, 'hello, this is not a zip at all\n'.repeat(10));
    await expect(openZip(text)).rejects.toThrow(/no zip end-of-central-directory record/);
    const empty = join(dir, 'empty.wapt');
    writeFileSync(empty, '');
    await expect(openZip(empty)).rejects.toBeInstanceOf(ZipFormatError);
    const whole = join(dir, 'whole.zip');
    makeZip(whole, members);
    const cut = join(dir, 'cut.zip');
    const bytes = readFileSync(whole);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    await expect(openZip(cut)).rejects.toBeInstanceOf(ZipFormatError);
  });
});
