// Test helper: writes real zip files with python3's zipfile (stored, deflated, ZIP64) for the zip readers.
import { execFileSync } from 'node:child_process';

/** One member: its name and content (a Buffer is written byte for byte). */
export interface ZipMember {
  name: string;
  data: string | Buffer;
}

/** One zip to write: where, its members, deflated or stored, and whether it needs ZIP64 records. */
export interface ZipSpec {
  path: string;
  members: ZipMember[];
  deflate?: boolean;
  zip64?: boolean;
}

const SCRIPT = `
import json, sys, zipfile
for spec in json.load(sys.stdin):
    method = zipfile.ZIP_DEFLATED if spec["deflate"] else zipfile.ZIP_STORED
    with zipfile.ZipFile(spec["path"], "w", method, allowZip64=True) as z:
        for m in spec["members"]:
            info = zipfile.ZipInfo(m["name"])
            info.compress_type = method
            z.writestr(info, bytes.fromhex(m["hex"]))
        # More than 65535 members: zipfile must write the ZIP64 end-of-central-directory records.
        for i in range(70000 if spec["zip64"] else 0):
            z.writestr("filler/%05d" % i, b"")
`;

/** Writes every zip with one python3 process (zipfile); `zip64` adds 70000 empty members so it needs ZIP64. */
export function makeZips(specs: ZipSpec[]): void {
  const input = specs.map((s) => ({
    path: s.path,
    deflate: s.deflate ?? true,
    zip64: s.zip64 ?? false,
    members: s.members.map((m) => ({ name: m.name, hex: Buffer.from(m.data).toString('hex') })),
  }));
  execFileSync('python3', ['-c', SCRIPT], { input: JSON.stringify(input) });
}

/** Writes one zip (see makeZips). */
export function makeZip(
  path: string,
  members: ZipMember[],
  opts: Omit<ZipSpec, 'path' | 'members'> = {},
): void {
  makeZips([{ path, members, ...opts }]);
}
