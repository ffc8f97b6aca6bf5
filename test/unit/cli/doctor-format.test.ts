// How `waptops doctor` prints a host's findings: severity, message, guide section, fix, lint lines.
import { describe, expect, it } from 'vitest';
import { formatFindings } from '../../../scripts/cli/doctor.js';

describe('formatFindings', () => {
  it('prints each finding with its guide section and fix, then the lint problems per package', () => {
    const lines = formatFindings('deb1', {
      findings: [
        {
          severity: 'error',
          message: 'nginx is inactive: port 443 is refused from the controller',
          guide: 'Connection refused',
          remedy: 'make restart-nginx HOST=deb1',
        },
        { severity: 'info', message: 'WAPT server 1.8.2 answers /ping' },
      ],
      lint: [{ package: 'p_1.0_all.wapt', problem: 'WAPT/control starts with a UTF-8 BOM', fix: 'save it' }],
    });
    expect(lines).toEqual([
      'deb1: 1 error(s), 0 warning(s)',
      '  ERROR   nginx is inactive: port 443 is refused from the controller',
      '          guide: «Connection refused»',
      '          fix:   make restart-nginx HOST=deb1',
      '  info    WAPT server 1.8.2 answers /ping',
      '  lint     p_1.0_all.wapt: WAPT/control starts with a UTF-8 BOM -> save it',
    ]);
  });

  it('says so when nothing is wrong, and why there is no verdict for a host that was not checked', () => {
    expect(formatFindings('rhel1', { findings: [], lint: [] })).toEqual([
      'rhel1: 0 error(s), 0 warning(s)',
      '  nothing wrong found',
    ]);
    expect(formatFindings('rhel1', { lint: [] }, 'connection timed out')).toEqual([
      'rhel1: no verdict (connection timed out)',
    ]);
  });
});
