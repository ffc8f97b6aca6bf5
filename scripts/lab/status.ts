// `make lab-status`: prints, per lab host, whether it runs, its address, and whether SSH and HTTPS answer.
import net from 'node:net';
import { LAB_HOSTS } from './config.js';
import { sshBanner } from './host.js';
import { processAlive, readState } from './state.js';

/** One host's observed status. */
export interface HostStatus {
  name: string;
  running: boolean;
  address: string;
  ssh: boolean;
  https: boolean;
  spareDevice: string;
}

/** Observes every lab host now. */
export async function labStatus(): Promise<HostStatus[]> {
  const state = readState();
  return Promise.all(
    LAB_HOSTS.map(async (host) => ({
      name: host.name,
      running: processAlive(state.hosts[host.name]?.nspawnPid),
      address: host.address,
      ssh: await sshBanner(host.address, 2000),
      https: await tcpAnswers(host.address, 443, 2000),
      spareDevice: state.hosts[host.name]?.loopDevice ?? '-',
    })),
  );
}

/** True when a TCP connection to address:port is accepted within the timeout. */
export function tcpAnswers(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: timeoutMs });
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

async function main(): Promise<void> {
  // `status.js --spare deb1` prints only that host's spare device (for make demo).
  const spareOf = process.argv[2] === '--spare' ? process.argv[3] : undefined;
  if (spareOf) {
    const device = readState().hosts[spareOf]?.loopDevice;
    if (!device) {
      console.error(`no spare device for lab host ${spareOf}: is the lab up? (make lab-up)`);
      process.exitCode = 3;
    } else console.log(device);
    return;
  }
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const rows = await labStatus();
  console.log('host   running  address       ssh  443  spare');
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(6)} ${yesNo(row.running).padEnd(8)} ${row.address.padEnd(13)} ${yesNo(row.ssh).padEnd(4)} ${yesNo(row.https).padEnd(4)} ${row.spareDevice}`,
    );
  }
  process.exitCode = rows.every((row) => row.running && row.ssh && row.https) ? 0 : 3;
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
