// The command line `waptops attach` sends: every argument quoted, sudo only when becoming root as another user.
import { describe, expect, it } from 'vitest';
import { attachCommandLine } from '../../../scripts/transport/pty.js';

describe('attachCommandLine', () => {
  it('quotes every argument', () => {
    expect(attachCommandLine(['sh', '-c', "echo 'a b'; exit 3"], false, 'ops')).toBe(
      `sh -c 'echo '\\''a b'\\''; exit 3'`,
    );
  });

  it('goes through sudo (which may prompt on the terminal) only when becoming root as another user', () => {
    expect(attachCommandLine(['/opt/wapt/waptserver/scripts/postconf.sh'], true, 'ops')).toBe(
      'sudo -H -u root -- /opt/wapt/waptserver/scripts/postconf.sh',
    );
    expect(attachCommandLine(['/opt/wapt/waptserver/scripts/postconf.sh'], true, 'root')).toBe(
      '/opt/wapt/waptserver/scripts/postconf.sh',
    );
  });
});
