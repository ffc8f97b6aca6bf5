// File transfer over one SFTP session: pipelined writes with progress, resume by appending, whole-file reads.
import type { SFTPWrapper, Stats } from 'ssh2';
import { openByteSource } from './byte-source.js';
import type { TransferProgress } from './types.js';

/** Options of a file upload (see Transport.put). */
export interface PutOptions {
  mode?: number;
  onProgress?: TransferProgress;
  resume?: boolean;
}

const CHUNK = 32 * 1024;
const IN_FLIGHT = 16;

function call<T>(fn: (cb: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

async function remoteSize(sftp: SFTPWrapper, remotePath: string): Promise<number | undefined> {
  try {
    return (await call<Stats>((cb) => sftp.stat(remotePath, cb))).size;
  } catch {
    return undefined;
  }
}

/** Uploads a local file or bytes to remotePath; with resume, continues after the bytes already there. */
export async function sftpPut(
  sftp: SFTPWrapper,
  local: string | Buffer,
  remotePath: string,
  opts: PutOptions = {},
): Promise<void> {
  const source = await openByteSource(local);
  try {
    const existing = opts.resume ? await remoteSize(sftp, remotePath) : undefined;
    // Resume only when the remote file can be a prefix of the source; 'w' truncates anything else.
    const start = existing !== undefined && existing <= source.size ? existing : 0;
    const flags = start > 0 ? 'r+' : 'w';
    const handle = await call<Buffer>((cb) => sftp.open(remotePath, flags, { mode: opts.mode ?? 0o644 }, cb));
    let next = start;
    let done = start;
    opts.onProgress?.(done, source.size);
    const worker = async () => {
      while (next < source.size) {
        const position = next;
        next += CHUNK;
        const data = await source.read(position, Math.min(CHUNK, source.size - position));
        await call<void>((cb) =>
          sftp.write(handle, data, 0, data.length, position, (err) => cb(err, undefined)),
        );
        done += data.length;
        opts.onProgress?.(done, source.size);
      }
    };
    try {
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    } finally {
      await call<void>((cb) => sftp.close(handle, (err) => cb(err, undefined)));
    }
    if (opts.mode !== undefined)
      await call<void>((cb) => sftp.chmod(remotePath, opts.mode as number, (err) => cb(err, undefined)));
  } finally {
    await source.done();
  }
}

/** Reads a whole remote file. */
export function sftpGet(sftp: SFTPWrapper, remotePath: string): Promise<Buffer> {
  return call<Buffer>((cb) => sftp.readFile(remotePath, cb));
}
