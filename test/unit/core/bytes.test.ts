// The one byte formatter: automatic binary units, one decimal by default, `.0` trimmed on request, a fixed unit.
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../scripts/core/bytes.js';

describe('formatBytes', () => {
  it('picks the binary unit and keeps one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12 * 2 ** 20)).toBe('12.0 MiB');
    expect(formatBytes(3.24 * 2 ** 30)).toBe('3.2 GiB');
  });

  it('trims a zero decimal when asked, as plans and refusals show sizes', () => {
    expect(formatBytes(2 ** 30, { trimZeros: true })).toBe('1 GiB');
    expect(formatBytes(1.5 * 2 ** 30, { trimZeros: true })).toBe('1.5 GiB');
    expect(formatBytes(-2048, { trimZeros: true })).toBe('-2 KiB');
  });

  it('shows one fixed unit with the decimals asked for', () => {
    expect(formatBytes(1.39 * 2 ** 30, { unit: 'GiB', decimals: 2 })).toBe('1.39 GiB');
    expect(formatBytes(300 * 2 ** 20, { unit: 'GiB', decimals: 2 })).toBe('0.29 GiB');
  });
});
