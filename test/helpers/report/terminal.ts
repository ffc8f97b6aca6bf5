// Runs a command in a real terminal (a private tmux server) and reads back what its screen shows.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** A command running in a detached tmux pane of a private server. */
export interface Terminal {
  /** The visible screen, one string, trailing blank lines dropped. */
  screen(): string;
  /** The same with its colours and attributes kept as SGR escape sequences (`capture-pane -e`). */
  colouredScreen(): string;
  /** Polls the screen until it contains `text`; throws with the last screen if it never does. */
  waitFor(text: string, limitMs?: number): Promise<string>;
  /** Types into the terminal: tmux key names (`Tab`, `Enter`) or literal text. */
  keys(...keys: string[]): void;
  close(): void;
}

/** Starts `command` (a shell command line) in a `cols` x `rows` terminal with `env` added. */
export function openTerminal(
  command: string,
  env: Record<string, string> = {},
  cols = 110,
  rows = 45,
): Terminal {
  const socket = `waptops-test-${process.pid}-${randomBytes(3).toString('hex')}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v}';`);
  // the pane stays open after the command so its last screen can be read
  tmux(
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(cols),
    '-y',
    String(rows),
    // A terminal as a person has it: CI=true (set when the tests run in CI) would turn the tree off.
    `unset CI; ${exports.join(' ')} ${command}; echo __EXIT__$?; sleep 600`,
  );
  const screen = () => tmux('capture-pane', '-p', '-t', 'main').replace(/\n+$/, '');
  return {
    screen,
    colouredScreen: () => tmux('capture-pane', '-e', '-p', '-t', 'main').replace(/\n+$/, ''),
    async waitFor(text, limitMs = 30_000) {
      const deadline = Date.now() + limitMs;
      let last = screen();
      while (!last.includes(text)) {
        if (Date.now() > deadline) throw new Error(`screen never showed ${JSON.stringify(text)}:\n${last}`);
        await sleep(100);
        last = screen();
      }
      return last;
    },
    keys(...keys) {
      tmux('send-keys', '-t', 'main', ...keys);
    },
    close() {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    },
  };
}
