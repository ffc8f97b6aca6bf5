// Files every host of a run reads (its key, known_hosts): read once for all the hosts connecting together.
import { readFile } from 'node:fs/promises';

/** How long a read is shared: the hosts of one wave of connections, not the next run in the same process. */
const SHARED_MS = 10_000;

const reads = new Map<string, { at: number; bytes: Promise<Buffer> }>();

/** The content of `file`, shared with reads of the last few seconds (a failed read is not kept). */
export function readShared(file: string): Promise<Buffer> {
  const now = Date.now();
  const kept = reads.get(file);
  if (kept && now - kept.at < SHARED_MS) return kept.bytes;
  const bytes = readFile(file);
  reads.set(file, { at: now, bytes });
  bytes.catch(() => {
    if (reads.get(file)?.bytes === bytes) reads.delete(file);
  });
  return bytes;
}

/** Forgets `file` (after writing it), so the next read sees the new content. */
export function forgetShared(file: string): void {
  reads.delete(file);
}
