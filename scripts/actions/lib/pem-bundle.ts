// The certificates of a PEM file as WAPT 1.8.2 reads them (waptcrypto.py:311-360 add_certificates_from_pem):
// every block between a line that is exactly `-----BEGIN CERTIFICATE-----` and one exactly `-----END CERTIFICATE-----`.
import { X509Certificate } from 'node:crypto';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

/** One line of a file with the line ending it had (`''` on a last line without one). */
interface Line {
  text: string;
  eol: string;
}

/** A file's lines as Python's bytes `splitlines()` cuts them (\n, \r\n, \r), endings kept. */
function linesOf(bytes: Buffer): Line[] {
  const text = bytes.toString('latin1');
  const lines: Line[] = [];
  for (const m of text.matchAll(/([^\r\n]*)(\r\n|\r|\n|$)/g)) {
    if (m[0] === '' && m.index === text.length) break;
    lines.push({ text: m[1] as string, eol: m[2] as string });
  }
  return lines;
}

/** One certificate block of a file: its place (1-based, in file order), PEM text and lines (0-based, inclusive). */
export interface PemBlock {
  index: number;
  pem: string;
  firstLine: number;
  lastLine: number;
}

/** Every certificate block of a file, in order (a file with none gives []). */
export function pemBlocks(bytes: Buffer): PemBlock[] {
  const blocks: PemBlock[] = [];
  let start = -1;
  let body: string[] = [];
  linesOf(bytes).forEach((line, i) => {
    if (line.text === BEGIN) {
      start = i;
      body = [line.text];
    } else if (line.text === END && start >= 0) {
      body.push(line.text);
      blocks.push({ index: blocks.length + 1, pem: `${body.join('\n')}\n`, firstLine: start, lastLine: i });
      start = -1;
    } else if (start >= 0) body.push(line.text);
  });
  return blocks;
}

/** The file's bytes without the given certificate blocks; every other line, and its line ending, kept. */
export function withoutBlocks(bytes: Buffer, drop: PemBlock[]): Buffer {
  const lines = linesOf(bytes);
  const dropped = (i: number) => drop.some((b) => i >= b.firstLine && i <= b.lastLine);
  const kept = lines.filter((_, i) => !dropped(i)).map((l) => l.text + l.eol);
  return Buffer.from(kept.join(''), 'latin1');
}

/** A block parsed as X.509, or undefined when it is not a certificate openssl can read. */
export function parseBlock(block: PemBlock): X509Certificate | undefined {
  try {
    return new X509Certificate(block.pem);
  } catch {
    return undefined;
  }
}
