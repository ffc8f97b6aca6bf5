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
