// ini-edit keeps every line it does not own as written and edits exactly one key.
import { describe, expect, it } from 'vitest';
import { getIniValue, removeIniKey, setIniValue } from '../../../../scripts/actions/lib/ini-edit.js';

const waptserver = [
  '; WAPT server configuration',
  '[options]',
  '# database',
  'db_name = wapt',
  'db_host=',
  'wapt_folder=/var/www/wapt',
  'Wapt_Password = $pbkdf2-sha256$29000$old',
  '',
  '; tasks below',
  '[tasks]',
  'interval: 10',
  '',
].join('\n');

describe('getIniValue', () => {
  it('reads values with either spacing, case-insensitive keys, only in the named section', () => {
    expect(getIniValue(waptserver, 'options', 'db_name')).toBe('wapt');
    expect(getIniValue(waptserver, 'options', 'wapt_password')).toBe('$pbkdf2-sha256$29000$old');
    expect(getIniValue(waptserver, 'options', 'db_host')).toBe('');
    expect(getIniValue(waptserver, 'tasks', 'interval')).toBe('10');
    expect(getIniValue(waptserver, 'options', 'interval')).toBeUndefined();
    expect(getIniValue(waptserver, 'missing', 'db_name')).toBeUndefined();
  });

  it('joins continuation lines of a multi-line value', () => {
    expect(getIniValue('[a]\nhosts = one\n  two\n  three\nnext = x\n', 'a', 'hosts')).toBe('one\ntwo\nthree');
  });
});

describe('setIniValue', () => {
  it('replaces in place keeping the key case, spacing and every other line', () => {
    const out = setIniValue(waptserver, 'options', 'wapt_password', '$pbkdf2-sha256$29000$new');
    expect(out).toBe(
      waptserver.replace(
        'Wapt_Password = $pbkdf2-sha256$29000$old',
        'Wapt_Password = $pbkdf2-sha256$29000$new',
      ),
    );
  });

  it('keeps the compact style of a `key=value` line', () => {
    expect(setIniValue(waptserver, 'options', 'wapt_folder', '/srv/wapt')).toContain(
      '\nwapt_folder=/srv/wapt\n',
    );
  });

  it('fills an empty value keeping its style', () => {
    expect(setIniValue('[a]\nk =\n', 'a', 'k', 'v')).toBe('[a]\nk = v\n');
    expect(setIniValue('[a]\nk=\n', 'a', 'k', 'v')).toBe('[a]\nk=v\n');
  });

  it('keeps the `:` delimiter', () => {
    expect(setIniValue(waptserver, 'tasks', 'interval', '20')).toContain('\ninterval: 20\n');
  });

  it('appends a new key after the last key of its section, before trailing comments and blanks', () => {
    const out = setIniValue(waptserver, 'options', 'nginx_https', '443');
    expect(out.split('\n').slice(5, 10)).toEqual([
      'wapt_folder=/var/www/wapt',
      'Wapt_Password = $pbkdf2-sha256$29000$old',
      'nginx_https = 443',
      '',
      '; tasks below',
    ]);
  });

  it('copies the spacing style of the section for a new key', () => {
    expect(setIniValue('[a]\nx=1\n[b]\ny=2\n', 'a', 'z', '3')).toBe('[a]\nx=1\nz=3\n[b]\ny=2\n');
  });

  it('puts a new key right after the header of an empty section', () => {
    expect(setIniValue('[a]\n; nothing yet\n\n[b]\n', 'a', 'k', 'v')).toBe(
      '[a]\nk = v\n; nothing yet\n\n[b]\n',
    );
  });

  it('creates the section at the end, separated by a blank line', () => {
    expect(setIniValue('[a]\nx = 1\n', 'global', 'use_fqdn_as_uuid', 'True')).toBe(
      '[a]\nx = 1\n\n[global]\nuse_fqdn_as_uuid = True\n',
    );
  });

  it('creates a whole file from nothing', () => {
    expect(setIniValue('', 'options', 'k', 'v')).toBe('[options]\nk = v\n');
  });

  it('adds the missing final line break before appending', () => {
    expect(setIniValue('[a]\nx = 1', 'a', 'y', '2')).toBe('[a]\nx = 1\ny = 2\n');
    expect(setIniValue('[a]\nx = 1', 'b', 'y', '2')).toBe('[a]\nx = 1\n\n[b]\ny = 2\n');
  });

  it('keeps a missing final line break when replacing the last line', () => {
    expect(setIniValue('[a]\nx = 1', 'a', 'x', '2')).toBe('[a]\nx = 2');
  });

  it('keeps CRLF line breaks, also on added lines', () => {
    expect(setIniValue('[a]\r\nx = 1\r\n', 'a', 'x', '2')).toBe('[a]\r\nx = 2\r\n');
    expect(setIniValue('[a]\r\nx = 1\r\n', 'a', 'y', '2')).toBe('[a]\r\nx = 1\r\ny = 2\r\n');
    expect(setIniValue('[a]\r\nx = 1\r\n', 'b', 'y', '2')).toBe('[a]\r\nx = 1\r\n\r\n[b]\r\ny = 2\r\n');
  });

  it('replaces the first of duplicate keys and removes the others', () => {
    expect(setIniValue('[a]\nk = 1\nx = 0\nK = 2\n', 'a', 'k', '3')).toBe('[a]\nk = 3\nx = 0\n');
  });

  it('replaces a multi-line value with its continuation lines', () => {
    expect(setIniValue('[a]\nhosts = one\n  two\nnext = x\n', 'a', 'hosts', 'three')).toBe(
      '[a]\nhosts = three\nnext = x\n',
    );
  });

  it('treats indented keys as keys, not continuations', () => {
    expect(setIniValue('[a]\n  x = 1\n  y = 2\n', 'a', 'y', '3')).toBe('[a]\n  x = 1\n  y = 3\n');
    expect(setIniValue('[a]\n  x = 1\n', 'a', 'z', '3')).toBe('[a]\n  x = 1\n  z = 3\n');
  });

  it('does not touch a commented-out key of the same name', () => {
    expect(setIniValue('[a]\n;k = old\n', 'a', 'k', 'v')).toBe('[a]\nk = v\n;k = old\n');
  });

  it('keeps values that contain delimiters', () => {
    const out = setIniValue(
      '[global]\nwapt_server = https://old:443\n',
      'global',
      'wapt_server',
      'https://srv:443/x=1',
    );
    expect(out).toBe('[global]\nwapt_server = https://srv:443/x=1\n');
    expect(getIniValue(out, 'global', 'wapt_server')).toBe('https://srv:443/x=1');
  });

  it('returns identical text when the value is already set', () => {
    expect(setIniValue(waptserver, 'options', 'db_name', 'wapt')).toBe(waptserver);
  });
});

describe('removeIniKey', () => {
  it('removes every occurrence in the section only', () => {
    const text = '[a]\nk = 1\nx = 0\nk = 2\n[b]\nk = 3\n';
    expect(removeIniKey(text, 'a', 'K')).toBe('[a]\nx = 0\n[b]\nk = 3\n');
  });

  it('removes continuation lines with the key', () => {
    expect(removeIniKey('[a]\nhosts = one\n  two\nnext = x\n', 'a', 'hosts')).toBe('[a]\nnext = x\n');
  });

  it('returns the same text when the key is not there', () => {
    expect(removeIniKey(waptserver, 'tasks', 'db_name')).toBe(waptserver);
  });

  it('keeps a missing final line break when the last line goes', () => {
    expect(removeIniKey('[a]\nx = 1\ny = 2', 'a', 'y')).toBe('[a]\nx = 1');
  });
});
