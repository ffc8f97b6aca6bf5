// `waptops attach HOST [--become] -- CMD ARGS...`: runs one command on a host with the local terminal attached (PTY).
import { selectHosts } from '../engine/load/select-hosts.js';
import type { HostEntry } from '../engine/model.js';
import { sshConfigFor } from '../engine/run/connect.js';
import { attachCommandLine, runInPty } from '../transport/pty.js';
import { fail } from './fail.js';
import { type InventoryCliOptions, openInventory } from './inventory.js';

/** Options of `waptops attach`. */
export interface AttachCliOptions extends InventoryCliOptions {
  become?: boolean;
}

/** Attaches the terminal to `command` on one host over SSH and exits with its exit code. */
export async function attachCommand(host: string, command: string[], opts: AttachCliOptions): Promise<void> {
  if (command.length === 0)
    fail('give the command to run after --', 'e.g. waptops attach deb1 --become -- top');
  const inventory = openInventory(opts);
  const names = selectHosts(inventory, host);
  if (names.length !== 1) fail(`'${host}' matches ${names.length} hosts; attach takes exactly one`);
  const entry = inventory.hosts.get(names[0] as string) as HostEntry;
  if (entry.connection === 'local') fail(`${entry.name} is a local host: run the command here`);
  const cfg = sshConfigFor(entry, inventory);
  const code = await runInPty(cfg, attachCommandLine(command, opts.become === true, cfg.user), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    term: process.env.TERM,
  });
  process.exit(code);
}
