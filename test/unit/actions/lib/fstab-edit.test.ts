// fstab-edit keeps comments and other entries verbatim, collapses duplicates and handles \040 escapes.
import { describe, expect, it } from 'vitest';
import {
  escapeFstabField,
  type FstabEntry,
  formatFstabEntry,
  parseFstabLine,
  removeFstabEntries,
  setFstabEntry,
  unescapeFstabField,
} from '../../../../scripts/actions/lib/fstab-edit.js';

const debianFstab = [
  '# /etc/fstab: static file system information.',
  '#',
  '# <file system> <mount point>   <type>  <options>       <dump>  <pass>',
  'UUID=1111-root /               ext4    errors=remount-ro 0       1',
  '# /var/www was on /dev/sdb1 during installation',
  '#UUID=old /var/www ext4 defaults 0 2',
  'UUID=2222-swap none            swap    sw              0       0',
  '/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0',
  '',
].join('\n');

const repo: FstabEntry = {
  spec: 'UUID=abcd-1234',
  file: '/var/www',
  vfstype: 'ext4',
  mntops: 'defaults',
  freq: 0,
  passno: 2,
};

describe('fstab fields', () => {
  it('parses six fields and defaults missing dump/pass to 0', () => {
    expect(parseFstabLine('UUID=x /srv xfs noatime')).toEqual({
      spec: 'UUID=x',
      file: '/srv',
      vfstype: 'xfs',
      mntops: 'noatime',
      freq: 0,
      passno: 0,
    });
    expect(parseFstabLine('  # comment')).toBeUndefined();
    expect(parseFstabLine('')).toBeUndefined();
    expect(parseFstabLine('broken line')).toBeUndefined();
  });

  it('decodes and encodes octal escapes', () => {
    expect(unescapeFstabField('/mnt/my\\040disk\\011x\\134y')).toBe('/mnt/my disk\tx\\y');
    expect(escapeFstabField('/mnt/my disk\tx\\y')).toBe('/mnt/my\\040disk\\011x\\134y');
    expect(formatFstabEntry({ ...repo, file: '/srv/wapt repo' })).toBe(
      'UUID=abcd-1234 /srv/wapt\\040repo ext4 defaults 0 2',
    );
  });

  it('ignores commented-out lines and treats a trailing slash as the same mount point', () => {
    expect(setFstabEntry(debianFstab, repo).found).toBe(0);
    expect(setFstabEntry(`${debianFstab}UUID=abcd-1234 /var/www/ ext4 defaults 0 2\n`, repo).changed).toBe(
      false,
    );
  });
});

describe('setFstabEntry', () => {
  it('appends a new entry and keeps every other line byte for byte', () => {
    const edit = setFstabEntry(debianFstab, repo);
    expect(edit).toMatchObject({ found: 0, changed: true });
    expect(edit.text).toBe(`${debianFstab}UUID=abcd-1234 /var/www ext4 defaults 0 2\n`);
  });

  it('is unchanged when exactly one identical entry exists, whatever its spacing', () => {
    const text = `${debianFstab}UUID=abcd-1234\t/var/www   ext4 defaults 0 2\n`;
    expect(setFstabEntry(text, repo)).toEqual({ text, found: 1, changed: false });
  });

  it('treats missing dump/pass as 0 when comparing', () => {
    const text = 'UUID=abcd-1234 /var/www ext4 defaults\n';
    expect(setFstabEntry(text, { ...repo, passno: 0 }).changed).toBe(false);
    expect(setFstabEntry(text, repo).changed).toBe(true);
  });

  it('replaces a differing entry in place', () => {
    const text = '# head\nUUID=old /var/www ext4 defaults 0 2\n# tail\n';
    expect(setFstabEntry(text, repo)).toEqual({
      text: '# head\nUUID=abcd-1234 /var/www ext4 defaults 0 2\n# tail\n',
      found: 1,
      changed: true,
    });
  });

  it('collapses duplicates: the first line is replaced, the others removed', () => {
    const text = [
      'UUID=1111-root / ext4 defaults 0 1',
      '/dev/sdb1 /var/www ext4 defaults 0 2',
      '# keep me',
      'UUID=abcd-1234 /var/www ext4 defaults 0 2',
      'UUID=abcd-1234 /var/www/ ext4 defaults 0 2',
      '',
    ].join('\n');
    const edit = setFstabEntry(text, repo);
    expect(edit.found).toBe(3);
    expect(edit.text).toBe(
      [
        'UUID=1111-root / ext4 defaults 0 1',
        'UUID=abcd-1234 /var/www ext4 defaults 0 2',
        '# keep me',
        '',
      ].join('\n'),
    );
  });

  it('collapses two identical duplicates too', () => {
    const line = 'UUID=abcd-1234 /var/www ext4 defaults 0 2\n';
    expect(setFstabEntry(line + line, repo)).toEqual({ text: line, found: 2, changed: true });
  });

  it('matches a mount point written with \\040 and writes it escaped', () => {
    const spaced = { ...repo, file: '/srv/wapt repo' };
    const text = 'LABEL=old /srv/wapt\\040repo ext4 defaults 0 2\n';
    expect(setFstabEntry(text, spaced).text).toBe('UUID=abcd-1234 /srv/wapt\\040repo ext4 defaults 0 2\n');
    expect(setFstabEntry('UUID=abcd-1234 /srv/wapt\\040repo ext4 defaults 0 2\n', spaced).changed).toBe(
      false,
    );
  });

  it('adds the missing final line break before appending', () => {
    expect(setFstabEntry('UUID=r / ext4 defaults 0 1', repo).text).toBe(
      'UUID=r / ext4 defaults 0 1\nUUID=abcd-1234 /var/www ext4 defaults 0 2\n',
    );
  });

  it('keeps CRLF line breaks', () => {
    expect(setFstabEntry('UUID=r / ext4 defaults 0 1\r\n', repo).text).toBe(
      'UUID=r / ext4 defaults 0 1\r\nUUID=abcd-1234 /var/www ext4 defaults 0 2\r\n',
    );
  });

  it('writes an empty file as just the entry', () => {
    expect(setFstabEntry('', repo).text).toBe('UUID=abcd-1234 /var/www ext4 defaults 0 2\n');
  });
});

describe('removeFstabEntries', () => {
  it('removes every entry for the mount point and nothing else', () => {
    const text = `${debianFstab}UUID=a /var/www ext4 defaults 0 2\nUUID=b /var/www xfs defaults 0 2\n`;
    expect(removeFstabEntries(text, '/var/www/')).toEqual({ text: debianFstab, found: 2, changed: true });
  });

  it('is unchanged when there is no entry (a commented-out one does not count)', () => {
    expect(removeFstabEntries(debianFstab, '/var/www')).toEqual({
      text: debianFstab,
      found: 0,
      changed: false,
    });
  });

  it('keeps a missing final line break', () => {
    expect(
      removeFstabEntries('UUID=r / ext4 defaults 0 1\nUUID=a /var/www ext4 defaults 0 2', '/var/www').text,
    ).toBe('UUID=r / ext4 defaults 0 1');
  });
});
