// pemBlocks / withoutBlocks: the certificates of a file as WAPT 1.8.2 reads them (waptcrypto.py:311-360).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBlock, pemBlocks, withoutBlocks } from '../../../../scripts/actions/lib/pem-bundle.js';
import { selfSigned } from '../../../helpers/certs.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-pem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const a = readFileSync(selfSigned(dir, 'a', { days: 1 }).cert, 'utf8');
const b = readFileSync(selfSigned(dir, 'b', { days: 1 }).cert, 'utf8');

describe('pemBlocks', () => {
  it('finds every certificate of a bundle in order, CRLF too, and ignores other text', () => {
    const bundle = Buffer.from(`# my bundle\n${a}\n${b.replace(/\n/g, '\r\n')}`);
    const blocks = pemBlocks(bundle);
    expect(blocks.map((x) => [x.index, parseBlock(x)?.subject])).toEqual([
      [1, 'CN=a'],
      [2, 'CN=b'],
    ]);
  });

  it('a BEGIN line with anything else on it is not a certificate for WAPT', () => {
    expect(pemBlocks(Buffer.from(` ${a}`))).toEqual([]);
  });

  it('withoutBlocks drops exactly the given certificates and keeps every other byte', () => {
    const bundle = Buffer.from(`# keep me\r\n${a}${b}tail`);
    const [first, second] = pemBlocks(bundle);
    expect(withoutBlocks(bundle, [first as never]).toString()).toBe(`# keep me\r\n${b}tail`);
    expect(withoutBlocks(bundle, [second as never]).toString()).toBe(`# keep me\r\n${a}tail`);
  });
});
