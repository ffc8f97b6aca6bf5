// The inventory a command works on, completed from the OpenSSH client config (--ssh-config, default ~/.ssh/config).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { WaptopsError } from '../core/errors.js';
import { loadInventory } from '../engine/load/load-inventory.js';
import type { Inventory } from '../engine/model.js';
import { readSshConfig, type SshConfigFile } from '../transport/ssh-config-file.js';
import { inventoryPath } from './paths.js';

/** The options every command that reads an inventory takes. */
export interface InventoryCliOptions {
  inventory?: string;
  sshConfig?: string;
}

/** The ssh config to apply: `--ssh-config FILE`, `none` for none, else ~/.ssh/config when it exists; warnings on stderr. */
export function sshConfigOption(arg: string | undefined): SshConfigFile | undefined {
  if (arg === 'none') return undefined;
  const file = arg ?? path.join(homedir(), '.ssh', 'config');
  if (!existsSync(file)) {
    if (arg)
      throw new WaptopsError(`ssh config not found: ${arg}`, 'give an existing file, or --ssh-config none');
    return undefined;
  }
  const config = readSshConfig(file);
  for (const warning of config.warnings) process.stderr.write(`waptops: warning: ${warning}\n`);
  return config;
}

/** Loads the inventory of `-i` (or the default one) with the ssh config of `--ssh-config`. */
export function openInventory(opts: InventoryCliOptions): Inventory {
  return loadInventory(inventoryPath(opts.inventory), { sshConfig: sshConfigOption(opts.sshConfig) });
}
