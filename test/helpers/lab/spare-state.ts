// States of a lab host's spare device for the migrate-repo tests (mounted, in fstab, not empty, unformatted),
// each undone after the test's callback, and the cleanups run after every migrate test (freshSpare, resetRepository).
import { runInHost } from '../../../scripts/lab/faults.js';
import { readState } from '../../../scripts/lab/state.js';
import { shQuote } from '../../../scripts/transport/command.js';
import { repoSourceOf } from './repository.js';

/** Where withSpareMounted mounts the spare. */
export const BUSY_MOUNT_POINT = '/mnt/lab-busy';
/** The mount point of the noauto fstab line withSpareInFstab adds. */
export const FSTAB_MOUNT_POINT = '/mnt/lab-fstab';
/** The file withSpareNonEmpty leaves on the spare. */
export const NON_EMPTY_FILE = 'lab-not-empty.txt';
/** The services of a lab WAPT server that write to or serve the repository. */
export const REPOSITORY_SERVICES = ['nginx', 'waptserver', 'wapttasks'];

const FSTAB_BACKUP = '/etc/fstab.lab-spare-backup';

/** The spare block device lab-up bound into this host (/dev/loopN). */
export function spareOf(host: string): string {
  const device = readState().hosts[host]?.loopDevice;
  if (!device) throw new Error(`no spare device recorded for lab host ${host}: is the lab up?`);
  return device;
}

/** The spare's filesystem UUID, probed on the device itself (no cache); empty when it has no filesystem. */
export async function spareUuid(host: string): Promise<string> {
  return (await runInHost(host, `blkid -p -s UUID -o value ${shQuote(spareOf(host))} || true`)).trim();
}

/** Runs fn while the spare is mounted on BUSY_MOUNT_POINT; unmounts it afterwards. */
export async function withSpareMounted<T>(host: string, fn: () => Promise<T>): Promise<T> {
  await runInHost(
    host,
    `mkdir -p ${BUSY_MOUNT_POINT} && mount ${shQuote(spareOf(host))} ${BUSY_MOUNT_POINT}`,
  );
  try {
    return await fn();
  } finally {
    await runInHost(host, `umount ${BUSY_MOUNT_POINT} && rmdir ${BUSY_MOUNT_POINT}`);
  }
}

/** Runs fn while fstab has a `UUID=<spare> FSTAB_MOUNT_POINT ext4 noauto 0 0` line; puts the original fstab back. */
export async function withSpareInFstab<T>(host: string, fn: () => Promise<T>): Promise<T> {
  const line = `UUID=${await spareUuid(host)} ${FSTAB_MOUNT_POINT} ext4 noauto 0 0`;
  await runInHost(host, `cp -p /etc/fstab ${FSTAB_BACKUP} && echo ${shQuote(line)} >> /etc/fstab`);
  try {
    return await fn();
  } finally {
    await runInHost(host, `mv ${FSTAB_BACKUP} /etc/fstab`);
  }
}

/** Runs fn while the spare (unmounted) holds a file beside lost+found; removes the file afterwards. */
export async function withSpareNonEmpty<T>(host: string, fn: () => Promise<T>): Promise<T> {
  await onSpare(host, `echo 'lab: a spare that is not empty' > "$spare/${NON_EMPTY_FILE}"`);
  try {
    return await fn();
  } finally {
    await onSpare(host, `rm -f "$spare/${NON_EMPTY_FILE}"`);
  }
}

/** Runs fn while the spare has no filesystem signature (wipefs); makes it an empty ext4 again afterwards. */
export async function withSpareUnformatted<T>(host: string, fn: () => Promise<T>): Promise<T> {
  await runInHost(host, `wipefs -a -q ${shQuote(spareOf(host))}`);
  try {
    return await fn();
  } finally {
    await freshSpare(host);
  }
}

/**
 * Makes the spare an empty ext4 again (label `<host>-spare`), mounted nowhere, with no fstab line. Refuses
 * while it is mounted on the repository source: that is a migration to undo with resetRepository first.
 */
export async function freshSpare(host: string): Promise<void> {
  await runInHost(
    host,
    `${spareVariables(host)}
source=${shQuote(repoSourceOf(host))} fstab_src=
if findmnt -rn -S "$dev" --mountpoint "$source" >/dev/null; then echo "the spare is mounted on $source: resetRepository first" >&2; exit 1; fi
${UNMOUNT_SPARE}
${REMOVE_FSTAB_LINES}
wipefs -a -q "$dev" && mkfs.ext4 -q -F -L ${shQuote(`${host}-spare`)} "$dev"`,
  );
}

/**
 * Undoes a migration of the repository source by a test, whatever phase it reached: stops a migrate-repo job
 * still running and the repository services, unmounts the spare everywhere, removes the fstab lines of the
 * spare or of the source, renames `<source>.pre-migrate-*` back (refusing when the source holds files and a
 * copy exists), drops the playbook's journal and jobs, then starts the services. Idempotent; returns what it did.
 */
export async function resetRepository(host: string, playbook = 'migrate-repo'): Promise<string[]> {
  const services = REPOSITORY_SERVICES.join(' ');
  const output = await runInHost(
    host,
    `${spareVariables(host)}
src=${shQuote(repoSourceOf(host))} playbook=${shQuote(playbook)}
fstab_src=$src
systemctl stop "waptops-job-$playbook-*" ${services}
${COPY_BACK_WHEN_FINALIZED}
${UNMOUNT_SPARE}
${REMOVE_FSTAB_LINES}
set -- "$src".pre-migrate-*
if [ "$#" -gt 1 ]; then echo "more than one copy to put back: $*" >&2; exit 1; fi
if [ -e "$1" ]; then
  if [ -d "$src" ] && ! rmdir "$src"; then echo "$src holds files and $1 exists: left both as they are" >&2; exit 1; fi
  mv "$1" "$src" && echo "renamed $1 back to $src"
fi
if [ -d "$src.lab-restore" ]; then rmdir "$src" && mv "$src.lab-restore" "$src" && echo "copied the finalized repository back to $src"; fi
rm -rf /var/lib/waptops/jobs/"$playbook"-* /var/lib/waptops/journal/"$playbook".jsonl
systemctl daemon-reload && systemctl start ${services}`,
  );
  return output.split('\n').filter(Boolean);
}

// Shell variables of the spare: dev (its device), uuid (its filesystem UUID, empty when none); stops at the first error.
function spareVariables(host: string): string {
  return `set -eu
dev=${shQuote(spareOf(host))}
uuid=$(blkid -p -s UUID -o value "$dev" || true)`;
}

// After migrate-repo-finalize the spare holds the only copy: it is copied back (beside the source) before the
// spare is unmounted, and put in place after.
const COPY_BACK_WHEN_FINALIZED = `if ! ls -d "$src".pre-migrate-* >/dev/null 2>&1 && [ "$(findmnt -n -o SOURCE --mountpoint "$src" || true)" = "$dev" ]; then
  rm -rf "$src.lab-restore"; mkdir "$src.lab-restore"
  chown --reference="$src" "$src.lab-restore"; chmod --reference="$src" "$src.lab-restore"
  find "$src" -mindepth 1 -maxdepth 1 ! -name lost+found -exec cp -a --preserve=all {} "$src.lab-restore"/ \\;
fi`;

// Unmounts the spare from every mount point, innermost first, and prints each. (Not with umount -A: that also
// unmounts the bind mount that puts the device node itself into the container.)
const UNMOUNT_SPARE = `findmnt -ln -S "$dev" -o TARGET | sort -r | while IFS= read -r target; do umount "$target" && echo "unmounted the spare from $target"; done`;

// Removes the fstab lines naming the spare (UUID= or device), or mounting on $fstab_src when set; prints each.
const REMOVE_FSTAB_LINES = `: > /etc/fstab.lab-edit
awk -v uuid="UUID=$uuid" -v dev="$dev" -v src="$fstab_src" '$1 == uuid || $1 == dev || (src != "" && $2 == src) { print "removed fstab line: " $0; next } { print > "/etc/fstab.lab-edit" }' /etc/fstab
if cmp -s /etc/fstab /etc/fstab.lab-edit; then rm /etc/fstab.lab-edit; else chmod --reference=/etc/fstab /etc/fstab.lab-edit && mv /etc/fstab.lab-edit /etc/fstab; fi`;

// Runs a script with the (unmounted) spare mounted on a private temporary directory named $spare.
function onSpare(host: string, script: string): Promise<string> {
  return runInHost(
    host,
    `set -eu; spare=$(mktemp -d); mount ${shQuote(spareOf(host))} "$spare"; trap 'umount "$spare"; rmdir "$spare"' EXIT; ${script}`,
  );
}
