// The commands behind `tree_copy`: the copy, verification and summary of ../tree-copy.sh, progress and clearing.
import { type Command, joinCommands, raw, sh } from '../../transport/command.js';
import { hostScript } from '../../transport/host-script.js';

const TREE_COPY = new URL('../tree-copy.sh', import.meta.url);

/** What a tree_copy job does: where, whether it empties dest first, and how strictly it compares. */
export interface TreeCopyOptions {
  src: string;
  dest: string;
  /** Remove everything in dest except lost+found before copying (dest belongs to the copy). */
  clear: boolean;
  /** Dest must equal src exactly; otherwise dest may hold more, and every src entry must be in it equal. */
  strict: boolean;
}

/** The one self-contained sh command that copies src's contents into dest, syncs, and verifies. */
export function treeCopyCommand(o: TreeCopyOptions): Command {
  return hostScript(TREE_COPY, 'copy', o.src, o.dest, o.clear ? '1' : '0', o.strict ? '1' : '0');
}

/** A read-only command that only verifies dest against src (exit 0 and the `verified` line when equal). */
export function treeVerifyCommand(o: Omit<TreeCopyOptions, 'clear'>): Command {
  return hostScript(TREE_COPY, 'verify', o.src, o.dest, o.strict ? '1' : '0');
}

/** Prints `entries files bytes` for a tree, then the bytes `du -sxB1` counts for it, on a second line. */
export function treeSummaryCommand(path: string): Command {
  return hostScript(TREE_COPY, 'summary', path);
}

/** Prints the bytes in use on the filesystem holding path (O(1): df). */
export function usedBytesCommand(path: string): Command {
  return sh`df -B1 --output=used -- ${path} | tail -n 1`;
}

/** Prints the bytes used now on dest's filesystem minus `baseline` (never below 0): the copy's progress. */
export function copyProgressCommand(dest: string, baseline: number): Command {
  return joinCommands(
    '\n',
    sh`used=$(df -B1 --output=used -- ${dest} | tail -n 1) && copied=$((used - ${String(baseline)}))`,
    raw('[ "$copied" -gt 0 ] || copied=0; echo "$copied"'),
  );
}

/** Removes everything in dest except lost+found: idempotent, runs fine on an empty or half-filled dest. */
export function clearTreeCommand(dest: string): Command {
  return sh`if [ -d ${dest} ]; then find ${dest} -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +; fi`;
}
