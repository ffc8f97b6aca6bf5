// Benchmark: per-command cost over the persistent framed shell versus a fresh ssh2 exec channel per command.
import type { Client } from 'ssh2';
import { startTestSshd } from '../dev/test-sshd.js';
import { raw } from '../transport/command.js';
import { SshTransport } from '../transport/ssh.js';
import { openConnection, type SshConfig } from '../transport/ssh-connect.js';

const RUNS = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timeEach(runs: number, once: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await once();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

function execOnce(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.exec('true', (err, channel) => {
      if (err) return reject(err);
      channel.resume();
      channel.stderr.resume();
      channel.on('close', () => resolve());
    });
  });
}

function report(label: string, times: number[]): void {
  const fmt = (n: number) => `${n.toFixed(2)} ms`;
  console.log(`${label.padEnd(34)} median ${fmt(percentile(times, 50))}  p95 ${fmt(percentile(times, 95))}`);
}

// Runs the benchmark against a throwaway sshd and prints the figures.
async function main(): Promise<void> {
  const sshd = await startTestSshd();
  const cfg: SshConfig = {
    host: 'bench',
    address: sshd.address,
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.identityFile,
    knownHostsFile: sshd.knownHostsFile,
    hostKeyPolicy: 'strict',
    connectTimeoutMs: 10_000,
    keepaliveIntervalMs: 10_000,
  };
  const transport = new SshTransport(cfg);
  const direct = await openConnection(cfg);
  try {
    await transport.connect();
    await transport.run(raw('true'));
    console.log(`\`true\` x ${RUNS} on 127.0.0.1 (OpenSSH ${sshd.port})`);
    report(
      'persistent shell (framed)',
      await timeEach(RUNS, () => transport.run(raw('true')).then(() => {})),
    );
    report('fresh exec channel per command', await timeEach(RUNS, () => execOnce(direct.client)));
  } finally {
    direct.end();
    await transport.close();
    await sshd.stop();
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
