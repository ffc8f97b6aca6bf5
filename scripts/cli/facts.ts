// `waptops facts HOST`: connects to one host and prints every named fact as JSON.

import { HostSession } from '../engine/host-session.js';
import { selectHosts } from '../engine/load/select-hosts.js';
import type { HostEntry } from '../engine/model.js';
import { transportFor } from '../engine/run/connect.js';
import { factsByName } from '../facts/index.js';
import type { Fact } from '../facts/types.js';
import { type InventoryCliOptions, openInventory } from './inventory.js';

/** Prints the facts of one inventory host. */
export async function factsCommand(host: string, opts: InventoryCliOptions): Promise<void> {
  const inventory = openInventory(opts);
  const [name] = selectHosts(inventory, host);
  const entry = inventory.hosts.get(name as string) as HostEntry;
  const transport = transportFor(entry, inventory);
  try {
    await transport.connect();
    const session = new HostSession(entry, transport, true);
    const out: Record<string, unknown> = {};
    for (const [key, fact] of Object.entries(factsByName)) {
      out[key] = await session
        .fact(fact as Fact<unknown>, undefined)
        .catch((e: Error) => ({ error: e.message }));
    }
    process.stdout.write(`${JSON.stringify({ host: entry.name, facts: out }, null, 2)}\n`);
  } finally {
    await transport.close();
  }
}
