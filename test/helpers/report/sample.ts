// The sample run most renderer tests use: two hosts that work (one changes things) and one unreachable.
import type { RunSpec } from './events.js';

/** deb1: 3 steps (ok, changed with a diff, skipped); cent1: ok; srv9: unreachable. */
export const sampleRun: RunSpec = {
  params: { timeout: 30, admin_password: '***' },
  hosts: [
    {
      name: 'deb1',
      steps: [
        {
          name: 'nginx configuration is valid',
          commands: ['nginx -t'],
          output: ['nginx: configuration file /etc/nginx/nginx.conf test is successful'],
          message: 'checked',
          durationMs: 250,
        },
        {
          name: 'nginx restarted',
          status: 'changed',
          commands: ['systemctl restart nginx'],
          changes: ['restart nginx'],
          diffs: [{ path: '/etc/waptserver/waptserver.ini', before: 'a\nb\nc\n', after: 'a\nB\nc\n' }],
          notes: ['nginx was running for 3 days'],
          durationMs: 1200,
        },
        {
          name: 'port 443 answers',
          status: 'skipped',
          message: 'when: params.timeout > 60 is false',
          durationMs: 0,
        },
      ],
    },
    { name: 'cent1', steps: [{ name: 'nginx configuration is valid', durationMs: 300 }] },
    { name: 'srv9', unreachable: 'connect ECONNREFUSED 198.18.0.9:22', durationMs: 5000 },
  ],
  warnings: [{ host: 'deb1', message: 'disk /var almost full (92%)' }],
};

/** A --check run where deb1's second step fails (two-line message) and a rescue step runs; deb2 is locked. */
export const failedCheckRun: RunSpec = {
  check: true,
  hosts: [
    {
      name: 'deb1',
      steps: [
        { name: 'repository mounted', status: 'changed', changes: ['mount /dev/sdb1 on /var/www/wapt'] },
        {
          name: 'nginx restarted',
          status: 'failed',
          message: 'exit 1: nginx -t\nnginx: [emerg] unknown directive',
        },
        { name: 'nginx logs', rescue: true },
      ],
    },
    { name: 'deb2', error: 'locked by bob@ops2 since 02:58', steps: [] },
  ],
};

/** The firewall step's message as a command failure words it: the command, its exit code, its stderr. */
const FIREWALL_MESSAGE =
  "deb1: `sh -c 'rules=$(nft list ruleset) || exit 3' sh 443` exited 3\n  cannot read the firewall rules: nft: refused";

/**
 * deb1's first two steps fail under ignore_errors (one with a command failure's message), then the verdict is
 * ok; cent1's restart fails for real with a command failure's message.
 */
export const ignoredFailuresRun: RunSpec = {
  hosts: [
    {
      name: 'deb1',
      steps: [
        {
          name: 'the server name resolves',
          status: 'failed',
          ignored: true,
          message: 'cannot resolve deb1.wapt.lab: getaddrinfo ENOTFOUND deb1.wapt.lab',
        },
        {
          name: 'local firewall rules dropping 443',
          status: 'failed',
          ignored: true,
          commands: ["sh -c 'rules=$(nft list ruleset) || exit 3' sh 443"],
          message: FIREWALL_MESSAGE,
          reason: 'cannot read the firewall rules: nft: refused (exit 3)',
        },
        { name: 'verdict', message: 'no error' },
      ],
    },
    {
      name: 'cent1',
      steps: [
        {
          name: 'nginx restarted',
          status: 'failed',
          commands: ['systemctl restart nginx'],
          message: 'cent1: `systemctl restart nginx` exited 1\n  Job for nginx.service failed',
          reason: 'Job for nginx.service failed (exit 1)',
        },
      ],
    },
  ],
};
