// The fstab schema refuses /dev/... sources with a message that says what to use instead.
import { describe, expect, it } from 'vitest';
import { fstabAction } from '../../../scripts/actions/fstab.js';
import { newAjv } from '../../../scripts/engine/schema/validators.js';

const validate = newAjv().compile(fstabAction.schema);

describe('fstab src', () => {
  it.each(['/dev/sdb1', '/dev/disk/by-uuid/abc', 'sdb1', 'UUID='])(
    'rejects %s, naming the accepted forms',
    (src) => {
      expect(validate({ path: '/var/www', src, fstype: 'ext4' })).toBe(false);
      const error = validate.errors?.find((e) => e.instancePath === '/src' && e.keyword === 'pattern');
      expect((error?.parentSchema as { errorMessage?: string } | undefined)?.errorMessage).toMatch(
        /^must be UUID=\.\.\., LABEL=\.\.\. or PARTUUID=\.\.\. \(a \/dev\/\.\.\. name can change/,
      );
    },
  );

  it.each(['UUID=0a1b-2c3d', 'LABEL=waptrepo', 'PARTUUID=5e1f0a2b-02'])('accepts %s', (src) => {
    expect(validate({ path: '/var/www', src, fstype: 'ext4' })).toBe(true);
  });
});
