// The POSIX sh programs behind `tree_copy`: copy a tree's contents preserving everything, then verify it.
import { type Command, joinCommands, raw, sh } from '../../transport/command.js';

/*
 * Copy tool: GNU `cp -a --preserve=all` (owners, modes, timestamps, hard links, sparse files, ACLs,
 * xattrs, SELinux labels). Measured here against `tar --xattrs --acls --selinux -c | tar -x` on two
 * ext4 loop devices (631 MiB of .wapt-sized random files, caches dropped, three alternating runs):
 * cp 0.73-2.35 s, tar 1.14-2.49 s, i.e. no gain from the tar pipeline on this shared disk; cp is one
 * process, keeps sparse files without options and reports each failing path (ENOSPC included).
 * `--preserve=all` does not fail when a label or xattr cannot be kept, so the verification compares them.
 *
 * Checksum: POSIX `cksum` (CRC-32 and size). Measured on a 512 MiB file in page cache here:
 * cksum -a crc 4911 MB/s (1100-1500 in later runs on this shared machine), b2sum 817, sha1 740,
 * md5sum 572, sha256sum 392 MB/s. The verification reads both trees just after the copy and must not
 * cost more than a fifth of the copy time; CRC-32 catches every burst error up to 32 bits and any other corruption with probability 1 - 2^-32 per file, which is what a copy
 * check needs (nobody forges the destination). coreutils >= 9 computes it with PCLMUL; older cksum
 * is slower but present everywhere, and both manifests always use the same program.
 */

/** Prints `entries files bytes` of a tree (apparent sizes; top-level lost+found left out). */
const SUMMARY_FUNCTION = `summary() {
  (cd "$1" && find . -mindepth 1 \\( -path ./lost+found -prune \\) -o -printf '%y %s\\n') |
    awk '{ n++ } $1 == "f" { f++; b += $2 } END { printf "%d %d %d\\n", n, f, b }'
}`;

/*
 * Manifests of one tree, written to "$tmp/<side>.*":
 *  meta  - one NUL-terminated record per entry: type, mode, owner, size (not for directories, whose
 *          size depends on the filesystem), mtime, symlink target, path;
 *  inodes - the number of distinct inodes of regular files (hard links kept <=> the same number);
 *  sum   - `cksum` of every regular file, computed by xargs -P "$3" processes, sorted;
 *  xattr - one `path<TAB>name=value` line per extended attribute (ACLs and security.selinux included),
 *          when getfattr is installed.
 * A file name holding a newline spreads its cksum line over two lines; both trees spread it the same
 * way, and any difference in content or size still changes the first of them.
 */
const MANIFEST_FUNCTION = `manifest() {
  (cd "$1" || exit 1
  find . -mindepth 1 \\( -path ./lost+found -prune \\) -o \\( -type d -printf 'd %m %U:%G - %T@ - %P\\0' \\) \\
    -o -printf '%y %m %U:%G %s %T@ %l %P\\0' | LC_ALL=C sort -z > "$tmp/$2.meta" || exit 1
  find . -mindepth 1 \\( -path ./lost+found -prune \\) -o -type f -printf '%i\\n' | sort -u | wc -l > "$tmp/$2.inodes" || exit 1
  find . -mindepth 1 \\( -path ./lost+found -prune \\) -o -type f -print0 |
    xargs -0 -r -P "$3" -n 32 cksum | LC_ALL=C sort > "$tmp/$2.sum" || exit 1
  if command -v getfattr >/dev/null 2>&1; then
    find . -mindepth 1 \\( -path ./lost+found -prune \\) -o -print0 | xargs -0 -r getfattr -h -d -m - -e hex 2>/dev/null |
      awk '/^# file: / { f = substr($0, 9); next } /=/ { print f "\\t" $0 }' | LC_ALL=C sort > "$tmp/$2.xattr"
  else : > "$tmp/$2.xattr"; fi)
}`;

/*
 * Both manifests run at once right after the copy, each with one checksum process per CPU, on pages the
 * copy just read and wrote, while the kernel writes the copy back; the job syncs the destination last
 * (verify before sync instead of after it: copy-and-verify/cp ratio 0.83 and 0.90 against 0.70). Starting the source manifest during the copy instead (cp and cksum reading
 * the same files) was slower here: copy-and-verify/cp ratio 0.57 and 0.63 against 0.76 and 0.82.
 */
const START_FUNCTION = `start_source_manifest() {
  tmp=$(mktemp -d) || fail "cannot create a temporary directory"
  trap 'rm -rf "$tmp"' EXIT
  cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
  manifest "$src" src "$cpus" 2> "$tmp/src.err" & srcjob=$!
}`;

/** Compares the manifests of "$src" and "$dest": identical when "$strict" is 1, else every src entry in dest. */
const VERIFY_FUNCTION = `verify() {
  manifest "$dest" dest "$cpus" || fail "cannot read $dest for verification"
  wait "$srcjob" || fail "cannot read $src for verification: $(head -n 3 "$tmp/src.err")"
  srcjob=
  for part in meta sum xattr; do
    if [ "$strict" = 1 ]; then
      cmp -s "$tmp/src.$part" "$tmp/dest.$part" && continue
      tr '\\0' '\\n' < "$tmp/src.$part" > "$tmp/a"; tr '\\0' '\\n' < "$tmp/dest.$part" > "$tmp/b"
      diff "$tmp/a" "$tmp/b" | grep '^[<>]' | head -n 5 >&2
    else
      tr '\\0' '\\n' < "$tmp/src.$part" > "$tmp/a"; tr '\\0' '\\n' < "$tmp/dest.$part" > "$tmp/b"
      LC_ALL=C comm -23 "$tmp/a" "$tmp/b" > "$tmp/missing"
      [ -s "$tmp/missing" ] || continue
      sed 's/^/< /' "$tmp/missing" | head -n 5 >&2
    fi
    fail "verification failed: $part of $dest differs from $src (< = $src, > = $dest)"
  done
  if [ "$strict" = 1 ] && ! cmp -s "$tmp/src.inodes" "$tmp/dest.inodes"; then
    fail "verification failed: hard links differ ($(cat "$tmp/src.inodes") inodes in $src, $(cat "$tmp/dest.inodes") in $dest)"
  fi
  set -- $(summary "$src")
  echo "verified $2 files, $3 bytes"
}`;

const COPY_BODY = `fail() { [ -z "\${srcjob:-}" ] || kill "$srcjob" 2>/dev/null; echo "tree_copy: $*" >&2; exit 1; }
[ -d "$src" ] || fail "source $src is not a directory"
[ -d "$dest" ] || fail "destination $dest is not a directory"
${SUMMARY_FUNCTION}
${MANIFEST_FUNCTION}
${START_FUNCTION}
${VERIFY_FUNCTION}`;

/** What a tree_copy job does: where, whether it empties dest first, and how strictly it compares. */
export interface TreeCopyOptions {
  src: string;
  dest: string;
  /** Remove everything in dest except lost+found before copying (dest belongs to the copy). */
  clear: boolean;
  /** Dest must equal src exactly; otherwise dest may hold more, and every src entry must be in it equal. */
  strict: boolean;
}

function prelude(o: TreeCopyOptions): Command {
  return sh`src=${o.src} dest=${o.dest} clear=${o.clear ? '1' : '0'} strict=${o.strict ? '1' : '0'}`;
}

/** The one self-contained sh command that copies src's contents into dest, syncs, and verifies. */
export function treeCopyCommand(o: TreeCopyOptions): Command {
  const run = raw(`${COPY_BODY}
if [ "$clear" = 1 ]; then
  find "$dest" -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} + || fail "cannot empty $dest"
fi
cp -a --preserve=all -- "$src/." "$dest/" || fail "copying $src to $dest failed (see cp above; 'No space left' means $dest is full)"
start_source_manifest
verify
sync -f "$dest" 2>/dev/null || sync`);
  return joinCommands('\n', prelude(o), run);
}

/** A read-only command that only verifies dest against src (exit 0 and the `verified` line when equal). */
export function treeVerifyCommand(o: Omit<TreeCopyOptions, 'clear'>): Command {
  return joinCommands(
    '\n',
    prelude({ ...o, clear: false }),
    raw(`${COPY_BODY}\nstart_source_manifest\nverify`),
  );
}

/** Prints `entries files bytes` for a tree, then the bytes `du -sxB1` counts for it, on a second line. */
export function treeSummaryCommand(path: string): Command {
  return joinCommands(
    '\n',
    sh`tree=${path}`,
    raw(`${SUMMARY_FUNCTION}\nsummary "$tree" && du -sxB1 -- "$tree" | cut -f1`),
  );
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
