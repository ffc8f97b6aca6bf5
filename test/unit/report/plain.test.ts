import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../../scripts/core/redact.js';
import { createPlainRenderer } from '../../../scripts/report/plain.js';
import { captured, fixedClock, type RunSpec, runEvents } from '../../helpers/report/events.js';
import { ignoredFailuresRun, sampleRun } from '../../helpers/report/sample.js';

async function render(
  spec: RunSpec,
  opts: { diff?: boolean; color?: boolean; verbose?: boolean } = {},
): Promise<string> {
  const out = captured();
  const clock = fixedClock();
  const r = createPlainRenderer({
    diff: opts.diff ?? false,
    color: opts.color,
    verbose: opts.verbose,
    stream: out.stream,
    now: clock.now,
    stepCount: 3,
  });
  for (const e of runEvents(spec)) {
    r.sink(e);
    clock.advance(1000);
  }
  await r.done();
  return out.text();
}

describe('plain renderer', () => {
  it('prints one line per event (commands with --verbose), the diff, the recap and the verdict', async () => {
    expect(await render(sampleRun, { diff: true, verbose: true })).toBe(
      `2026-11-24T03:00:00Z run restart-nginx on 3 host(s): deb1, cent1, srv9 id=run-0001
2026-11-24T03:00:00Z params timeout=30 admin_password="***"
2026-11-24T03:00:02Z deb1 connected (300ms)
2026-11-24T03:00:03Z deb1 [1/3] nginx configuration is valid ...
2026-11-24T03:00:04Z deb1 [1/3] $ nginx -t
2026-11-24T03:00:05Z deb1 [1/3]    nginx: configuration file /etc/nginx/nginx.conf test is successful
2026-11-24T03:00:06Z deb1 [1/3] nginx configuration is valid ... ok (250ms): checked
2026-11-24T03:00:07Z deb1 [2/3] nginx restarted ...
2026-11-24T03:00:08Z deb1 [2/3] $ systemctl restart nginx
2026-11-24T03:00:09Z deb1 [2/3] nginx restarted ... changed (1.2s)
2026-11-24T03:00:09Z deb1 [2/3]    * restart nginx
2026-11-24T03:00:09Z deb1 [2/3]    note: nginx was running for 3 days
2026-11-24T03:00:09Z deb1 [2/3]    --- /etc/waptserver/waptserver.ini
2026-11-24T03:00:09Z deb1 [2/3]    +++ /etc/waptserver/waptserver.ini
2026-11-24T03:00:09Z deb1 [2/3]    @@ -1,3 +1,3 @@
2026-11-24T03:00:09Z deb1 [2/3]     a
2026-11-24T03:00:09Z deb1 [2/3]    -b
2026-11-24T03:00:09Z deb1 [2/3]    +B
2026-11-24T03:00:09Z deb1 [2/3]     c
2026-11-24T03:00:10Z deb1 [3/3] port 443 answers ...
2026-11-24T03:00:11Z deb1 [3/3] port 443 answers ... skipped (0ms): when: params.timeout > 60 is false
2026-11-24T03:00:12Z deb1 done: 1 ok, 1 changed, 0 failed, 1 skipped (1.4s)
2026-11-24T03:00:14Z cent1 connected (300ms)
2026-11-24T03:00:15Z cent1 [1/3] nginx configuration is valid ...
2026-11-24T03:00:16Z cent1 [1/3] nginx configuration is valid ... ok (300ms)
2026-11-24T03:00:17Z cent1 done: 1 ok, 0 changed, 0 failed, 0 skipped (300ms)
2026-11-24T03:00:19Z srv9 UNREACHABLE (5.0s): connect ECONNREFUSED 198.18.0.9:22
2026-11-24T03:00:20Z deb1 WARNING disk /var almost full (92%)
RECAP
host   ok  changed  failed  skipped   time
deb1    1        1       0        1   1.4s
cent1   1        0       0        0  300ms
srv9    -        -       -        -   5.0s  UNREACHABLE
  srv9: connect ECONNREFUSED 198.18.0.9:22
RESULT: 1 host ok, 1 changed, 0 failed, 1 unreachable — exit 3
`,
    );
  });

  it('prints no command without --verbose', async () => {
    const text = await render(sampleRun);
    expect(text).not.toContain('$ nginx -t');
    expect(text).not.toContain('systemctl');
    expect(text).toContain(
      'deb1 [1/3]    nginx: configuration file /etc/nginx/nginx.conf test is successful\n',
    );
  });

  it('prints a failure under ignore_errors as "ignored" with its reason in one line, never red nor its command', async () => {
    const text = await render(ignoredFailuresRun, { color: true });
    const deb1 = text.slice(text.indexOf('deb1 connected'), text.indexOf('cent1 connected'));
    expect(deb1).toContain(
      'deb1 [1/3] the server name resolves ... \x1b[33mignored\x1b[39m (100ms): cannot resolve deb1.wapt.lab: getaddrinfo ENOTFOUND deb1.wapt.lab\n',
    );
    expect(deb1).toContain(
      'deb1 [2/3] local firewall rules dropping 443 ... \x1b[33mignored\x1b[39m (100ms): cannot read the firewall rules: nft: refused (exit 3)\n2026',
    );
    expect(deb1).not.toContain('nft list ruleset');
    expect(deb1).not.toContain('\x1b[31m');
    expect(deb1).toContain('deb1 done: 3 ok, 0 changed, 0 failed, 0 skipped, 2 ignored (300ms)\n');
    expect(text).toContain(
      '\x1b[33m  deb1: 2 failure(s) ignored (ignore_errors), marked "ignored" above\x1b[39m\n',
    );
    // a real command failure: its reason, then its stderr, the command only with --verbose
    expect(text).toContain(
      'cent1 [1/3] nginx restarted ... \x1b[31mfailed\x1b[39m (100ms): Job for nginx.service failed (exit 1)\n',
    );
    expect(text).not.toContain('`systemctl restart nginx`');
    expect(await render(ignoredFailuresRun, { verbose: true })).toContain(
      'cent1 [1/3] nginx restarted ... failed (100ms): cent1: `systemctl restart nginx` exited 1\n',
    );
  });

  it('says "would change" in a --check run and prints no diff without --diff', async () => {
    const text = await render({ ...sampleRun, check: true, hosts: sampleRun.hosts.slice(0, 2) });
    expect(text).toContain('(check: nothing will change)');
    expect(text).toContain('deb1 [2/3] nginx restarted ... would change (1.2s)\n');
    expect(text).toContain('deb1 done: 1 ok, 1 would change, 0 failed, 1 skipped (1.4s)\n');
    expect(text).toContain('host   ok  would change  failed  skipped   time\n');
    expect(text).toContain('RESULT: 1 host ok, 1 would change, 0 failed, 0 unreachable — exit 0\n');
    expect(text).not.toContain('@@');
  });

  it('prints a failed step, the lines of its message and a failing verdict', async () => {
    const text = await render({
      hosts: [
        {
          name: 'deb1',
          steps: [{ name: 'nginx restarted', status: 'failed', message: 'exit 1\nnginx: [emerg] bad' }],
        },
      ],
    });
    expect(text).toContain('deb1 [1/3] nginx restarted ... failed (100ms): exit 1\n');
    expect(text).toContain('deb1 [1/3]    nginx: [emerg] bad\n');
    expect(text).toContain('deb1 FAILED: 0 ok, 0 changed, 1 failed, 0 skipped (100ms) — exit 1\n');
    expect(text.endsWith('RESULT: 0 hosts ok, 0 changed, 1 failed, 0 unreachable — exit 2\n')).toBe(true);
  });

  it('prints progress at most once per interval per host, with bytes and rate', async () => {
    const mib = 1024 * 1024;
    const progress: [number, number][] = [1, 2, 3, 4, 5, 6, 7].map((n) => [n * 4 * mib, 40 * mib]);
    const text = await render({
      hosts: [{ name: 'deb1', steps: [{ name: 'repository copied', progress }] }],
    });
    // the clock moves 1s per event: the step starts at 03:00:03, progress at 03:00:04 .. 03:00:10
    expect(text.split('\n').filter((l) => l.includes('progress'))).toEqual([
      '2026-11-24T03:00:04Z deb1 [1/3]    progress 4.0 MiB / 40.0 MiB (10%), 4.0 MiB/s',
      '2026-11-24T03:00:09Z deb1 [1/3]    progress 24.0 MiB / 40.0 MiB (60%), 4.0 MiB/s',
    ]);
  });

  it('colours only when asked', async () => {
    expect(await render(sampleRun)).not.toContain('\x1b[');
    expect(await render(sampleRun, { color: true })).toContain('\x1b[33mchanged\x1b[39m');
  });

  it('never prints a registered secret, in output, a message or a diff', async () => {
    registerSecret('S3cr3t-plain');
    const text = await render(
      {
        hosts: [
          {
            name: 'deb1',
            steps: [
              {
                name: 'password set',
                status: 'changed',
                output: ['using password S3cr3t-plain now'],
                message: 'S3cr3t-plain was wrong',
                diffs: [{ path: '/etc/x.ini', before: 'pw=old\n', after: 'pw=S3cr3t-plain\n' }],
              },
            ],
          },
        ],
      },
      { diff: true },
    );
    expect(text).not.toContain('S3cr3t-plain');
    expect(text).toContain('using password *** now');
    expect(text).toContain('+pw=***');
    expect(text).toContain('changed (100ms): *** was wrong');
  });
});
