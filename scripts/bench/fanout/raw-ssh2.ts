// The fan-out benchmark's lower bound: the five steps of five-steps.yml with no engine, straight over
// ssh2, one persistent `sh` per host, every host at once. Usage: node raw-ssh2.js HOSTS.json
// (a list of { address, port, user, identityFile, knownHostsFile }); prints { changed, failed, commandMeanMs }.
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';

/** One host as the raw script reaches it. */
export interface RawHost {
  address: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
}

const END = '__RAW_END__';
const INI = '/srv/waptops-bench/app.ini';
const MOTD = '/srv/waptops-bench/motd.txt';
const MOTD_TEXT = 'managed by the fan-out benchmark\n';

/** The host key trusted for `address:port` in an OpenSSH known_hosts file (plain entries only). */
function trustedKey(knownHostsFile: string, address: string, port: number): Buffer | undefined {
  const names = port === 22 ? [address] : [`[${address}]:${port}`];
  for (const line of readFileSync(knownHostsFile, 'utf8').split('\n')) {
    const [hosts, , key] = line.trim().split(/\s+/);
    if (hosts && key && hosts.split(',').some((h) => names.includes(h))) return Buffer.from(key, 'base64');
  }
  return undefined;
}

/** A persistent shell: send a script, get its output and exit status. */
function shellOn(channel: ssh2.ClientChannel): (script: string) => Promise<{ out: string; rc: number }> {
  let buffer = '';
  let waiting: ((r: { out: string; rc: number }) => void) | undefined;
  channel.on('data', (d: Buffer) => {
    buffer += d.toString();
    const at = buffer.indexOf(`${END} `);
    const eol = at >= 0 ? buffer.indexOf('\n', at) : -1;
    if (eol < 0 || !waiting) return;
    const out = buffer.slice(0, at).replace(/\n$/, ''); // the frame's own newline
    const rc = Number(buffer.slice(at + END.length + 1, eol));
    buffer = buffer.slice(eol + 1);
    const done = waiting;
    waiting = undefined;
    done({ out, rc });
  });
  return (script) =>
    new Promise((resolve) => {
      waiting = resolve;
      channel.write(`${script}\nprintf '\\n%s %s\\n' ${END} $?\n`);
    });
}

function atomicWrite(path: string, text: string): string {
  return `cat > ${path}.tmp <<'__RAW_EOF__' && mv -f ${path}.tmp ${path}\n${text}__RAW_EOF__`;
}

function withIniKey(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === '[global]');
  if (lines.some((l) => /^tuned\s*=\s*yes\s*$/.test(l))) return text;
  lines.splice(at + 1, 0, 'tuned = yes');
  return lines.join('\n');
}

const commandTimes: number[] = [];

/** Runs the five steps on one host; resolves to the number of changes made. */
async function fiveSteps(host: RawHost): Promise<number> {
  const client = new ssh2.Client();
  const expected = trustedKey(host.knownHostsFile, host.address, host.port);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({
      host: host.address,
      port: host.port,
      username: host.user,
      privateKey: readFileSync(host.identityFile),
      hostVerifier: (key: Buffer) => expected !== undefined && key.equals(expected),
    });
  });
  try {
    const channel = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
      client.exec('sh', (err, ch) => (err ? reject(err) : resolve(ch))),
    );
    const run = shellOn(channel);
    // The three read-only commands are timed, as waptops' command steps are in its report.
    const timed = async (script: string) => {
      const started = performance.now();
      const result = await run(script);
      commandTimes.push(performance.now() - started);
      return result;
    };
    let changes = 0;
    await timed('cat /etc/os-release');
    await timed('test -e /srv/waptops-bench/marker');
    const ini = (await run(`cat ${INI}`)).out;
    const next = withIniKey(ini);
    if (next !== ini) {
      await run(atomicWrite(INI, next));
      changes++;
    }
    const motd = await run(`cat ${MOTD} 2>/dev/null`);
    if (motd.rc !== 0 || motd.out !== MOTD_TEXT) {
      await run(atomicWrite(MOTD, MOTD_TEXT));
      changes++;
    }
    await timed('df -P /srv/waptops-bench');
    channel.end();
    return changes;
  } finally {
    client.end();
  }
}

async function main(file: string): Promise<void> {
  const hosts = JSON.parse(readFileSync(file, 'utf8')) as RawHost[];
  const results = await Promise.allSettled(hosts.map(fiveSteps));
  const changed = results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value : 0), 0);
  const failed = results.filter((r) => r.status === 'rejected');
  const commandMeanMs = commandTimes.reduce((a, b) => a + b, 0) / Math.max(1, commandTimes.length);
  console.log(JSON.stringify({ changed, failed: failed.length, commandMeanMs }));
  if (failed.length > 0) {
    console.error(String((failed[0] as PromiseRejectedResult).reason));
    process.exitCode = 1;
  }
}

main(process.argv[2] ?? '').catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
