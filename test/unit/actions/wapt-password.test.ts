// The `wapt_password` plan: what it writes is the whole ini with only the hash replaced, and the hash verifies the password.
import { describe, expect, it } from 'vitest';
import { getIniValue } from '../../../scripts/actions/lib/ini-edit.js';
import { pbkdf2Sha256Hash, pbkdf2Sha256Verify } from '../../../scripts/actions/lib/pbkdf2.js';
import { waptPasswordAction } from '../../../scripts/actions/wapt-password.js';
import { isSecret, Secret } from '../../../scripts/core/secret.js';

const ini = (hash: string) =>
  `# kept comment\n[options]\nwapt_user = admin\nwapt_password = ${hash}\nsecret_key = abc\n`;

function planFor(text: string, password: string) {
  const state = { exists: true, text, timestamp: '20240101T000000000Z', salt: 'c2FsdHNhbHRzYWx0c2FsdA' };
  return waptPasswordAction.plan(state, {
    path: '/opt/wapt/conf/waptserver.ini',
    password: new Secret(password) as unknown as string,
  });
}

describe('wapt_password plan', () => {
  it('writes the ini with a new hash that verifies the password, everything else kept, content sent as a secret', () => {
    const plan = planFor(ini(pbkdf2Sha256Hash('old-password-0')), 'new-password-1');
    const stdin = plan.changes[0]?.commands[0]?.stdin;
    expect(isSecret(stdin)).toBe(true);
    const written = (stdin as Secret).reveal();
    const hash = getIniValue(written, 'options', 'wapt_password') as string;
    expect(hash).toMatch(/^\$pbkdf2-sha256\$29000\$c2FsdHNhbHRzYWx0c2FsdA\$/);
    expect(pbkdf2Sha256Verify('new-password-1', hash)).toBe(true);
    expect(written).toBe(ini(hash));
    expect(JSON.stringify(plan)).not.toContain('new-password-1');
  });

  it('changes nothing when the current hash verifies the password', () => {
    const plan = planFor(ini(pbkdf2Sha256Hash('same-password-1')), 'same-password-1');
    expect(plan.changes).toEqual([]);
  });

  it('replaces an empty wapt_password', () => {
    expect(planFor(ini(''), 'new-password-1').changes).toHaveLength(1);
  });
});
