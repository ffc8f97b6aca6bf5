// The framing of the persistent shell: marker splitting, and a ShellSession driving a real local sh.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderCommand, sh } from '../../../scripts/transport/command.js';
import { FrameReader, frameScript, newMarker } from '../../../scripts/transport/remote-shell.js';
import { ShellSession } from '../../../scripts/transport/shell-session.js';

function localShell(): Promise<ShellSession> {
  const child = spawn('sh', [], { stdio: ['pipe', 'pipe', 'pipe'] });
  return ShellSession.start(
    {
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      onEnd: (cb) => child.on('close', (code) => cb(code)),
      destroy: () => child.kill('SIGKILL'),
    },
    (death) => new Error(`shell ended ${death.code}: ${death.stderr}`),
  );
}

describe('FrameReader', () => {
  it('finds a marker split over chunks and holds back only a possible marker prefix', () => {
    const marker = newMarker();
    const live: string[] = [];
    const reader = new FrameReader(marker, (t) => live.push(t));
    const stream = Buffer.from(`hello ${marker.slice(0, 3)}x\nworld${marker} 42\nleftover`);
    const rest: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 5) rest.push(reader.push(stream.subarray(i, i + 5)));
    expect(reader.status).toBe(42);
    expect(reader.text).toBe(`hello ${marker.slice(0, 3)}x\nworld`);
    expect(live.join('')).toBe(reader.text);
    expect(Buffer.concat(rest).toString()).toBe('leftover');
  });

  it('keeps multi-byte characters whole across chunk boundaries', () => {
    const marker = newMarker();
    const reader = new FrameReader(marker);
    const bytes = Buffer.from(`héllo → ✓${marker} 0\n`);
    for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1));
    expect(reader.text).toBe('héllo → ✓');
  });

  it('gives back held bytes when the stream ends without a marker', () => {
    const marker = newMarker();
    const reader = new FrameReader(marker);
    reader.push(Buffer.from(`partial ${marker.slice(0, 6)}`));
    reader.finish();
    expect(reader.done).toBe(false);
    expect(reader.text).toBe(`partial ${marker.slice(0, 6)}`);
  });
});

describe('frameScript', () => {
  it('quotes the command and keeps stdin out of the command text', () => {
    const script = frameScript({ text: renderCommand(sh`echo ${"a'b"}`), stdin: Buffer.from('pw') }, 'M');
    expect(script).toContain(`printf '%s' cHc= | base64 -d | ( eval 'echo '\\''a'\\''\\'\\'''\\''b'\\''' )`);
    expect(script.endsWith('\n')).toBe(true);
    expect(script.split('\n').length).toBe(2);
  });
});

describe('ShellSession over a local sh', () => {
  it('runs framed commands one after another in one shell', async () => {
    const session = await localShell();
    const a = await session.run({ text: 'echo $$; echo e >&2; exit 5' });
    const b = await session.run({ text: 'echo $$', stdin: Buffer.from('ignored') });
    expect(a).toMatchObject({ code: 5, stderr: 'e\n', timedOut: false });
    expect(b.stdout).toBe(a.stdout);
    expect((await session.run({ text: 'cat', stdin: Buffer.from('x\ny') })).stdout).toBe('x\ny');
    expect(await session.run({ text: 'sleep 5', timeoutMs: 200 })).toMatchObject({
      code: 124,
      timedOut: true,
    });
    session.close();
  });

  it('rejects the running command when the shell dies, and stays dead', async () => {
    const session = await localShell();
    await expect(session.run({ text: 'kill -9 $$' })).rejects.toThrow(/shell ended/);
    expect(session.alive).toBe(false);
    await expect(session.run({ text: 'true' })).rejects.toThrow(/shell ended/);
  });

  it('rejects a running command when the session is closed', async () => {
    const session = await localShell();
    const running = session.run({ text: 'sleep 5' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    session.close();
    await expect(running).rejects.toThrow(/shell ended/);
  });
});
