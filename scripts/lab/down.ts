// `make lab-down`: stops the lab hosts and frees everything lab-up made, also after a crash.
import { teardownLab } from './teardown.js';

async function main(): Promise<void> {
  await teardownLab((line) => console.log(line));
  console.log('lab down: no lab process, mount, loop device, namespace or link left');
}

main().catch((error: unknown) => {
  console.error(`lab-down failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
