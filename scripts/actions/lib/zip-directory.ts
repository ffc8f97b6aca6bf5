// Reads a zip file's central directory and one member from disk, without loading the whole archive.
import { open } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

/** One member of a zip as its central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** A file that is not a zip, or a zip this reader cannot follow. */
export class ZipFormatError extends Error {}

type Handle = Awaited<ReturnType<typeof open>>;

async function readAt(fh: Handle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead !== length) throw new ZipFormatError('truncated zip');
  return buf;
}

async function findEndOfCentralDirectory(fh: Handle, fileSize: number): Promise<number> {
  if (fileSize < EOCD_SIZE) throw new ZipFormatError('too short to be a zip');
  const tailLength = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
  const tail = await readAt(fh, fileSize - tailLength, tailLength);
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) return fileSize - tailLength + i;
  }
  throw new ZipFormatError('no zip end-of-central-directory record');
}

/** Where the central directory is and how many entries it has, following a ZIP64 record when present. */
async function centralDirectory(fh: Handle, fileSize: number) {
  const eocdAt = await findEndOfCentralDirectory(fh, fileSize);
  const eocd = await readAt(fh, eocdAt, EOCD_SIZE);
  let count = eocd.readUInt16LE(10);
  let size = eocd.readUInt32LE(12);
  let offset = eocd.readUInt32LE(16);
  if ((count === 0xffff || size === 0xffffffff || offset === 0xffffffff) && eocdAt >= 20) {
    const locator = await readAt(fh, eocdAt - 20, 20);
    if (locator.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE) {
      const record = await readAt(fh, Number(locator.readBigUInt64LE(8)), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new ZipFormatError('bad ZIP64 record');
      count = Number(record.readBigUInt64LE(32));
      size = Number(record.readBigUInt64LE(40));
      offset = Number(record.readBigUInt64LE(48));
    }
  }
  if (offset + size > fileSize) throw new ZipFormatError('central directory beyond the end of the file');
  return { count, size, offset };
}

/** Sizes and offset from a ZIP64 extra field, for the fields the fixed header marks 0xffffffff. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const length = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      let at = i + 4;
      const next = (): number => {
        const v = Number(extra.readBigUInt64LE(at));
        at += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    i += 4 + length;
  }
}

function parseEntries(cd: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL_SIGNATURE)
      throw new ZipFormatError('corrupt central directory');
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      name: cd.toString('utf8', at + 46, at + 46 + nameLength),
      method: cd.readUInt16LE(at + 10),
      compressedSize: cd.readUInt32LE(at + 20),
      size: cd.readUInt32LE(at + 24),
      localHeaderOffset: cd.readUInt32LE(at + 42),
    };
    applyZip64Extra(entry, cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A zip on disk: its entries, and a reader for one member (stored or deflated). */
export interface ZipArchive {
  entries: ZipEntry[];
  read(entry: ZipEntry): Promise<Buffer>;
  close(): Promise<void>;
}

/** Opens a zip file and reads its central directory; throws ZipFormatError when it is not a zip. */
export async function openZip(path: string): Promise<ZipArchive> {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const { count, size, offset } = await centralDirectory(fh, fileSize);
    const entries = parseEntries(await readAt(fh, offset, size), count);
    return {
      entries,
      async read(entry) {
        const header = await readAt(fh, entry.localHeaderOffset, 30);
        if (header.readUInt32LE(0) !== LOCAL_SIGNATURE)
          throw new ZipFormatError(`bad local header for ${entry.name}`);
        const dataAt = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
        const data = await readAt(fh, dataAt, entry.compressedSize);
        if (entry.method === 0) return data;
        if (entry.method === 8) return inflateRawSync(data);
        throw new ZipFormatError(`${entry.name}: unsupported compression method ${entry.method}`);
      },
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
