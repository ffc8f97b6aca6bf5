// One path on the host: type, mode, owner and size from `stat`, or its SHA-256; a missing path is a result.
import { sh } from '../transport/command.js';
import { factFailure, requireSuccess } from './parse.js';
import type { Fact } from './types.js';

/** What `stat` says about a path (not following a final symlink), or that nothing is there. */
export type PathInfo =
  | { path: string; exists: false; type: 'absent' }
  | {
      path: string;
      exists: true;
      type: 'file' | 'directory' | 'link' | 'other';
      /** Four octal digits, e.g. `0640`. */
      mode: string;
      owner: string;
      group: string;
      uid: number;
      gid: number;
      size: number;
    };

function fileType(statType: string): 'file' | 'directory' | 'link' | 'other' {
  if (statType.startsWith('regular')) return 'file';
  if (statType === 'directory') return 'directory';
  if (statType === 'symbolic link') return 'link';
  return 'other';
}

/** The type, mode, owner and size of `path`; a missing path gives `{ exists: false }`. */
export function pathFact(path: string): Fact<PathInfo> {
  const key = `path:${path}`;
  return {
    key,
    command: sh`if [ -e ${path} ] || [ -L ${path} ]; then stat -c '%F|%a|%U|%G|%u|%g|%s' -- ${path}; else echo absent; fi`,
    parse(result) {
      requireSuccess(key, result);
      const out = result.stdout.trim();
      if (out === 'absent') return { path, exists: false, type: 'absent' };
      const fields = out.split('|');
      if (fields.length !== 7) factFailure(key, result, `unexpected stat output: ${out}`);
      const [type, mode, owner, group, uid, gid, size] = fields as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return {
        path,
        exists: true,
        type: fileType(type),
        mode: mode.padStart(4, '0'),
        owner,
        group,
        uid: Number(uid),
        gid: Number(gid),
        size: Number(size),
      };
    },
  };
}

/** The lower-case hex SHA-256 of a regular file, or null when `path` is not a regular file. */
export function fileSha256Fact(path: string): Fact<string | null> {
  const key = `sha256:${path}`;
  return {
    key,
    command: sh`if [ -f ${path} ]; then sha256sum < ${path}; else echo absent; fi`,
    parse(result) {
      requireSuccess(key, result);
      const out = result.stdout.trim();
      if (out === 'absent') return null;
      const m = /^([0-9a-f]{64})\s/.exec(`${out} `);
      if (!m) factFailure(key, result, `unexpected sha256sum output: ${out}`);
      return m[1] as string;
    },
  };
}
