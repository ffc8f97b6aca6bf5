// The migration source must be the web root (var wapt_root) or a folder in it: a path parameter cannot make
// migrate-repo move /etc, /var or anything outside, nor climb out with `..`.
import { describe, expect, it } from 'vitest';
import { sourceOutsideRoot } from '../../../../scripts/actions/lib/migrate-decide.js';

describe('migration source inside its allowed root', () => {
  it.each([
    ['/var/www', '/var/www'],
    ['/var/www/wapt', '/var/www'],
    ['/var/www/html', '/var/www/html'],
    ['/srv/anything', undefined],
  ])('%s under %s is allowed', (source, root) => {
    expect(sourceOutsideRoot(source, root)).toBeUndefined();
  });

  it.each([
    ['/etc', '/var/www', /outside \/var\/www/],
    ['/var', '/var/www', /outside \/var\/www/],
    ['/var/www2', '/var/www', /outside \/var\/www/],
    ['/var/www/../../etc', '/var/www', /has a \. or \.\. in it/],
    ['/var/www/./wapt', '/var/www', /has a \. or \.\. in it/],
  ])('%s under %s is refused', (source, root, why) => {
    expect(sourceOutsideRoot(source, root)).toMatch(why);
  });
});
