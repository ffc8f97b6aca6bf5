// wapt_package on real files: a valid package passes with its name; anything else is refused with one line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseControl, waptPackageAction } from '../../../scripts/actions/wapt-package.js';
import { recordingContext } from '../../helpers/local-context.js';
import { makeZip, makeZips } from '../../helpers/make-zip.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-wapt-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONTROL = 'package           : demo\nversion           : 2.0-1\narchitecture      : all\n';

async function check(file: string) {
  const params = { path: join(dir, file) };
  return waptPackageAction.plan(await waptPackageAction.read(recordingContext(), params), params);
}

describe('wapt_package', () => {
  it('passes a .wapt zip with UTF-8 WAPT/control and exposes package, version and file name', async () => {
    makeZip(join(dir, 'demo_2.0-1_all.wapt'), [
      { name: 'WAPT/control', data: CONTROL },
      { name: 'setup.py', data: 'def install():\n    pass\n' },
    ]);
    const plan = await check('demo_2.0-1_all.wapt');
    expect(plan.failed).toBeUndefined();
    expect(plan.data).toEqual({ package: 'demo', version: '2.0-1', filename: 'demo_2.0-1_all.wapt' });
  });

  it('refuses what is not a package, naming the file and the reason', async () => {
    writeFileSync(join(dir, 'text.wapt'), 'just text\n'.repeat(5));
    makeZips([
      { path: join(dir, 'nocontrol.wapt'), members: [{ name: 'setup.py', data: '' }] },
      { path: join(dir, 'bom.wapt'), members: [{ name: 'WAPT/control', data: `\ufeff${CONTROL}` }] },
      {
        path: join(dir, 'latin1.wapt'),
        members: [{ name: 'WAPT/control', data: Buffer.from('package : caf\xe9\n', 'latin1') }],
      },
      { path: join(dir, 'nameless.wapt'), members: [{ name: 'WAPT/control', data: 'version : 1\n' }] },
      { path: join(dir, 'demo.zip'), members: [{ name: 'WAPT/control', data: CONTROL }] },
    ]);
    const reasons = {
      'text.wapt': 'not a zip (no zip end-of-central-directory record)',
      'nocontrol.wapt': 'the zip has no WAPT/control',
      'bom.wapt': 'WAPT/control starts with a UTF-8 BOM (EWaptBadControl)',
      'latin1.wapt': 'WAPT/control is not UTF-8 (EWaptBadControl)',
      'nameless.wapt': 'WAPT/control has no package field',
      'demo.zip': 'the file name does not end in .wapt',
      'missing.wapt': 'not a zip (ENOENT)',
    };
    for (const [file, reason] of Object.entries(reasons)) {
      expect((await check(file)).failed).toBe(`${join(dir, file)} is not a valid .wapt package: ${reason}`);
    }
  });

  it('reads padded control keys', () => {
    expect(parseControl(`${CONTROL}description : a: b\r\n`)).toMatchObject({
      package: 'demo',
      version: '2.0-1',
      description: 'a: b',
    });
  });
});
