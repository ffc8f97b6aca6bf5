// Benchmark: per-command cost over the persistent framed shell versus a fresh ssh2 exec channel per command.
import type { Client } from 'ssh2';
import { sshConfigFor, startTestSshd, type TestSshd } from '../../test/helpers/test-sshd.js';
import { raw } from '../transport/command.js';
import { SshTransport } from '../transport/ssh.js';
import { openConnection, type SshConfig } from '../transport/ssh-connect.js';
import { ms, summarise, type Timings, timeEach } from './stats.js';

/** Round-trip timings of `true` on one open connection, both ways. */
export interface RoundTrips {
  persistentShell: Timings;
  freshExecChannel: Timings;
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

function line(label: string, t: Timings): string {
  return `  ${label.padEnd(34)} median ${ms(t.median)}  p95 ${ms(t.p95)}`;
}

/** How the benchmarks reach a test server. */
export function benchSshConfig(sshd: TestSshd): SshConfig {
  return sshConfigFor(sshd, { host: 'bench' });
}

/** Times `runs` round trips of `true` over the persistent shell of a fresh connection to `sshd`. */
export async function timeShellRoundTrips(sshd: TestSshd, runs: number): Promise<Timings> {
  const transport = new SshTransport(benchSshConfig(sshd));
  try {
    await transport.connect();
    await transport.run(raw('true'));
    return summarise(await timeEach(runs, () => transport.run(raw('true'))));
  } finally {
    await transport.close();
  }
}

/** Times `runs` round trips of `true` each way against a throwaway sshd and prints them. */
export async function measureRoundTrips(runs = 200): Promise<RoundTrips> {
  const sshd = await startTestSshd();
  const cfg = benchSshConfig(sshd);
  const transport = new SshTransport(cfg);
  const direct = await openConnection(cfg);
  try {
    await transport.connect();
    await transport.run(raw('true'));
    const persistentShell = summarise(await timeEach(runs, () => transport.run(raw('true'))));
    const freshExecChannel = summarise(await timeEach(runs, () => execOnce(direct.client)));
    console.log(`  \`true\` x ${runs} over one connection to 127.0.0.1:${sshd.port}`);
    console.log(line('persistent shell (framed)', persistentShell));
    console.log(line('fresh exec channel per command', freshExecChannel));
    return { persistentShell, freshExecChannel };
  } finally {
    direct.end();
    await transport.close();
    await sshd.stop();
  }
}
