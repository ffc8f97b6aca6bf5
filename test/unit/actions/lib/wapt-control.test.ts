// controlProblems: WAPT 1.8.2's reading of WAPT/control (waptpackage.py:1290 decode, :740-790 control_to_dict).
import { describe, expect, it } from 'vitest';
import { controlProblems } from '../../../../scripts/actions/lib/wapt-control.js';

const ok =
  'package           : tis-x\nversion           : 1.0-1\ndescription       : first line\n continued\n';
const problems = (text: string | Buffer) => controlProblems(Buffer.isBuffer(text) ? text : Buffer.from(text));

describe('controlProblems', () => {
  it('reads a good control, continuation lines (begin with a space) and a trailing blank line fine', () => {
    expect(problems(ok)).toEqual([]);
    expect(problems(`${ok}\n\n`)).toEqual([]);
    expect(problems(ok.replace(/\n/g, '\r\n'))).toEqual([]);
  });

  it('a blank line before the end loses the fields after it, named (waptpackage.py:763-769)', () => {
    expect(problems(`package: a\n\nversion: 1\nMaintainer : me\n more\n`)).toEqual([
      { kind: 'lost', line: 2, fields: ['version', 'maintainer'] },
    ]);
    expect(problems(`package: a\n \t \nversion: 1\n`)).toEqual([
      { kind: 'lost', line: 2, fields: ['version'] },
    ]);
  });

  it('a line without ":" that is no continuation is EWaptBadControl (waptpackage.py:777-779)', () => {
    expect(problems(`package: a\nversion 1.0\n`)).toEqual([
      { kind: 'nocolon', line: 2, text: 'version 1.0' },
    ]);
    expect(problems(`package: a\n\tversion 1.0\n`)).toMatchObject([{ kind: 'nocolon', line: 2 }]);
    expect(problems(`package: a\n\nnot read at all\n`)).toEqual([]);
  });

  it('a UTF-8 BOM is its own problem (UnicodeEncodeError on the \\ufeffpackage key, waptpackage.py:1261)', () => {
    expect(problems(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ok)]))).toEqual([
      { kind: 'bom' },
    ]);
  });

  it('bytes that are not UTF-8 stop everything, with the offset (UnicodeDecodeError, waptpackage.py:1290)', () => {
    expect(problems(Buffer.from('package: caf\xe9\n\nversion: 1\n', 'latin1'))).toEqual([
      { kind: 'notutf8', offset: 12 },
    ]);
    expect(problems(Buffer.from('package: caf\xc3', 'latin1'))).toEqual([{ kind: 'notutf8', offset: 12 }]);
    expect(problems(Buffer.from('ab\x80c', 'latin1'))).toEqual([{ kind: 'notutf8', offset: 2 }]);
  });
});
