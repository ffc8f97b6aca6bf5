// Shell commands that replace a file atomically: temp file in the same directory, attributes, sync, mv.
import type { Secret } from '../../core/secret.js';
import { type Command, type CommandPart, raw, sh, withStdin } from '../../transport/command.js';

/** Mode (octal string such as `0640`), owner and group a written file should get; unset = keep or default. */
export interface FileAttributes {
  mode?: string;
  owner?: string;
  group?: string;
}

/** What an atomic write needs: target, content (sent on stdin) and what to do around the replacement. */
export interface AtomicWrite extends FileAttributes {
  path: string;
  content: string | Buffer | Secret;
  /** Copy of the old file made just before the replacement (only when the file exists). */
  backupPath?: string;
  /** Shell code that checks the temp file `"$t"` before it replaces the target (its failure stops all). */
  verify?: Command;
}

/** The same, for a file already uploaded to `tempPath` next to the target. */
export interface AtomicReplace extends FileAttributes {
  path: string;
  tempPath: string;
  backupPath?: string;
  /** Expected SHA-256 (hex) of the uploaded temp file; a mismatch removes it and fails before the move. */
  sha256?: string;
}

function inSequence(...cmds: Command[]): Command {
  const parts: CommandPart[] = [];
  cmds.forEach((c, i) => {
    if (i > 0) parts.push({ kind: 'literal', text: '; ' });
    parts.push(...c.parts);
  });
  return { parts };
}

/** Timestamp in backup names, to the millisecond (`20240131T235959123Z`); read at read time so plans stay pure. */
export function backupTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:.]/g, '');
}

/** The backup file name for a path: `<path>.waptops-<timestamp>`. */
export function backupPathFor(path: string, timestamp: string): string {
  return `${path}.waptops-${timestamp}`;
}

/** `chmod`/`chown`/`chgrp` of one path; no command when no attribute is wanted. */
export function attributeCommands(path: string, a: FileAttributes): Command[] {
  const cmds: Command[] = [];
  if (a.mode) cmds.push(sh`chmod ${a.mode} -- ${path}`);
  if (a.owner) cmds.push(sh`chown ${a.group ? `${a.owner}:${a.group}` : a.owner} -- ${path}`);
  else if (a.group) cmds.push(sh`chgrp ${a.group} -- ${path}`);
  return cmds;
}

function tempAttributes(a: FileAttributes): Command {
  const wanted: Command[] = [];
  if (a.mode) wanted.push(sh`chmod ${a.mode} -- "$t"`);
  if (a.owner) wanted.push(sh`chown ${a.group ? `${a.owner}:${a.group}` : a.owner} -- "$t"`);
  else if (a.group) wanted.push(sh`chgrp ${a.group} -- "$t"`);
  return inSequence(
    raw(
      'if [ -e "$f" ]; then chmod --reference="$f" -- "$t"; chown --reference="$f" -- "$t"; else chmod 0644 -- "$t"; fi',
    ),
    ...wanted,
  );
}

function targetAndTemp(path: string): Command {
  return inSequence(
    raw('set -e'),
    sh`f=$(readlink -f -- ${path})`,
    // $f is absolute (readlink -f): its directory is what precedes the last slash, no dirname needed.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
    raw('t=$(mktemp "${f%/*}/.waptops.XXXXXX")'),
    raw(`trap 'rm -f -- "$t"' EXIT`),
  );
}

function backupAndMove(backupPath: string | undefined): Command {
  return inSequence(
    ...(backupPath ? [sh`if [ -e "$f" ]; then cp -p -- "$f" ${backupPath}; fi`] : []),
    // The new content is on disk before the rename: the temp file's own fsync, not a sync of every
    // filesystem (coreutils before 8.24 ignores the argument, warns, and syncs all).
    raw('sync -- "$t" 2>/dev/null || sync'),
    raw('mv -f -- "$t" "$f"'),
    raw('trap - EXIT'),
  );
}

/** One command that writes `content` (from stdin) to `path` atomically, keeping or setting its attributes. */
export function atomicWriteCommand(w: AtomicWrite): Command {
  const cmd = inSequence(
    targetAndTemp(w.path),
    raw('cat > "$t"'),
    tempAttributes(w),
    ...(w.verify ? [w.verify] : []),
    backupAndMove(w.backupPath),
  );
  return withStdin(cmd, w.content);
}

/** One command that moves an uploaded temp file over `path` atomically, with attributes and backup. */
export function atomicReplaceCommand(r: AtomicReplace): Command {
  return inSequence(
    raw('set -e'),
    sh`f=$(readlink -f -- ${r.path})`,
    sh`t=${r.tempPath}`,
    raw(`trap 'rm -f -- "$t"' EXIT`),
    ...(r.sha256
      ? [
          sh`if [ "$(sha256sum < "$t" | cut -d ' ' -f 1)" != ${r.sha256} ]; then echo "SHA-256 of the upload $t is not "${r.sha256}" (corrupt or changed: it is removed, run again)" >&2; exit 1; fi`,
        ]
      : []),
    tempAttributes(r),
    backupAndMove(r.backupPath),
  );
}

/** One command that puts a backup copy back over `path` atomically (the backup itself is kept). */
export function restoreBackupCommand(path: string, backupPath: string): Command {
  return inSequence(targetAndTemp(path), sh`cp -p -- ${backupPath} "$t"`, backupAndMove(undefined));
}
