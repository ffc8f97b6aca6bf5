// Which certificates of the agent's trusted files match a stolen certificate or key, file by file: every
// certificate of a PEM bundle as WAPT 1.8.2 loads it (waptcrypto.py:268, :311-360), or a whole DER file.
import { createHash, X509Certificate } from 'node:crypto';
import { type CertSearch, spkiSha256 } from './cert-search.js';
import { type PemBlock, parseBlock, pemBlocks, withoutBlocks } from './pem-bundle.js';

/** One certificate of a file: its place (1-based), DER SHA-256, public key SHA-256 and CN. */
export interface CertEntry {
  index: number;
  fingerprint: string;
  spki: string;
  cn: string;
}

/** A certificate that matches, with why. */
export interface CertMatch extends CertEntry {
  match: string;
}

/** What to do with one file: nothing, move it whole (all its certificates match), or rewrite it without some. */
export type FileVerdict =
  | { path: string; action: 'keep'; certs: CertEntry[] }
  | { path: string; action: 'quarantine'; certs: CertEntry[]; removed: CertMatch[] }
  | {
      path: string;
      action: 'rewrite';
      certs: CertEntry[];
      removed: CertMatch[];
      content: Buffer;
      sha256: string;
    }
  | { path: string; action: 'unreadable' };

type Search = CertSearch & { error?: undefined };

function entryOf(index: number, cert: X509Certificate): CertEntry {
  return {
    index,
    fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    spki: spkiSha256(cert.publicKey),
    cn: /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? cert.subject.replace(/\n/g, ', '),
  };
}

function matchOf(c: CertEntry, search: Search): string | undefined {
  if (search.fingerprints.includes(c.fingerprint)) return 'same fingerprint';
  if (search.spki.includes(c.spki)) return `same public key as ${search.from}`;
  return undefined;
}

function derCertificate(bytes: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(bytes);
  } catch {
    return undefined;
  }
}

/** The verdict on one trusted file's bytes. */
export function fileVerdict(path: string, bytes: Buffer, search: Search): FileVerdict {
  const blocks = pemBlocks(bytes);
  const der = blocks.length === 0 ? derCertificate(bytes) : undefined;
  if (blocks.length === 0 && !der) return { path, action: 'unreadable' };
  const parsed: { block?: PemBlock; entry?: CertEntry }[] = der
    ? [{ entry: entryOf(1, der) }]
    : blocks.map((block) => {
        const cert = parseBlock(block);
        return { block, entry: cert && entryOf(block.index, cert) };
      });
  const certs = parsed.flatMap((p) => (p.entry ? [p.entry] : []));
  if (certs.length === 0) return { path, action: 'unreadable' };
  const hits = parsed.flatMap((p) => {
    const match = p.entry && matchOf(p.entry, search);
    return match && p.entry ? [{ ...p, removed: { ...p.entry, match } }] : [];
  });
  const removed = hits.map((h) => h.removed);
  if (removed.length === 0) return { path, action: 'keep', certs };
  if (removed.length === parsed.length) return { path, action: 'quarantine', certs, removed };
  const content = withoutBlocks(
    bytes,
    hits.flatMap((h) => (h.block ? [h.block] : [])),
  );
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { path, action: 'rewrite', certs, removed, content, sha256 };
}
