// The source of an upload, a local file or bytes in memory, read in chunks at any position.
import { open, stat } from 'node:fs/promises';

/** Random-access reads of an upload's bytes; `done()` releases the file. */
export interface ByteSource {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  done(): Promise<void>;
}

/** Opens a local file path, or wraps bytes, as a ByteSource. */
export async function openByteSource(local: string | Buffer): Promise<ByteSource> {
  if (Buffer.isBuffer(local)) {
    return { size: local.length, read: async (p, n) => local.subarray(p, p + n), done: async () => {} };
  }
  const size = (await stat(local)).size;
  const handle = await open(local, 'r');
  return {
    size,
    read: async (p, n) => {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await handle.read(buf, 0, n, p);
      return buf.subarray(0, bytesRead);
    },
    done: () => handle.close(),
  };
}
