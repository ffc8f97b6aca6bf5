import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../scripts/report/diff.js';

const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `line ${i + from}`);

describe('unifiedDiff', () => {
  it('is empty when nothing changes', () => {
    expect(unifiedDiff({ path: '/etc/fstab', before: 'a\nb\n', after: 'a\nb\n' })).toEqual([]);
  });

  it('shows an appended fstab line with its context', () => {
    const before = 'UUID=1 / ext4 defaults 0 1\n';
    const after = `${before}/dev/sdb1 /var/www/wapt ext4 defaults 0 2\n`;
    expect(unifiedDiff({ path: '/etc/fstab', before, after })).toEqual([
      '--- /etc/fstab',
      '+++ /etc/fstab',
      '@@ -1,1 +1,2 @@',
      ' UUID=1 / ext4 defaults 0 1',
      '+/dev/sdb1 /var/www/wapt ext4 defaults 0 2',
    ]);
  });

  it('splits distant changes into hunks with 3 lines of context and right line numbers', () => {
    const before = lines(20);
    const after = [...before];
    after[1] = 'changed 2';
    after.splice(15, 1);
    expect(unifiedDiff({ path: 'f', before: before.join('\n'), after: after.join('\n') })).toEqual([
      '--- f',
      '+++ f',
      '@@ -1,5 +1,5 @@',
      ' line 1',
      '-line 2',
      '+changed 2',
      ' line 3',
      ' line 4',
      ' line 5',
      '@@ -13,7 +13,6 @@',
      ' line 13',
      ' line 14',
      ' line 15',
      '-line 16',
      ' line 17',
      ' line 18',
      ' line 19',
    ]);
  });

  it('handles a new file and a deleted file', () => {
    expect(unifiedDiff({ path: 'n', before: '', after: 'x\n' })).toEqual([
      '--- n',
      '+++ n',
      '@@ -0,0 +1,1 @@',
      '+x',
    ]);
    expect(unifiedDiff({ path: 'd', before: 'x\n', after: '' })).toEqual([
      '--- d',
      '+++ d',
      '@@ -1,1 +0,0 @@',
      '-x',
    ]);
  });
});
