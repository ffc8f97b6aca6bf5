// Opening one ssh2 connection: known_hosts checking inside hostVerifier, agent or key auth, ProxyJump, clear errors.
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import { ConnectError, HostKeyError } from '../core/errors.js';
import { readShared } from './file-cache.js';
import {
  fingerprint,
  hostKeyAlgorithmsFor,
  judgeHostKey,
  keysForHost,
  keyTypeOf,
  knownHostName,
  readKnownHosts,
  recordHostKey,
} from './known-hosts.js';

/** How to reach one host over SSH; `jump` is the same shape for a ProxyJump host. */
export interface SshConfig {
  /** Inventory name, used in messages. */
  host: string;
  address: string;
  port: number;
  user: string;
  /** Private key file; without it ssh-agent (SSH_AUTH_SOCK) is used. */
  identityFile?: string;
  knownHostsFile: string;
  hostKeyPolicy: 'strict' | 'accept-new';
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  jump?: SshConfig;
}

/** A ready ssh2 client and the jump clients it rides on. */
export interface SshConnection {
  client: Client;
  /** Closes the client and every jump host connection under it. */
  end(): void;
}

async function authOptions(cfg: SshConfig): Promise<Partial<ConnectConfig>> {
  if (cfg.identityFile) {
    try {
      return { privateKey: await readShared(cfg.identityFile) };
    } catch (e) {
      throw new ConnectError(
        cfg.host,
        `cannot read identityFile ${cfg.identityFile}: ${(e as Error).message}`,
      );
    }
  }
  if (process.env.SSH_AUTH_SOCK) return { agent: process.env.SSH_AUTH_SOCK };
  throw new ConnectError(
    cfg.host,
    'no identityFile and no ssh-agent (SSH_AUTH_SOCK is not set)',
    'set identityFile for this host in the inventory, or start ssh-agent and ssh-add your key',
  );
}

function hostKeyProblem(
  cfg: SshConfig,
  name: string,
  key: Buffer,
  text: string,
): HostKeyError | 'record' | 'ok' {
  const verdict = judgeHostKey(keysForHost(text, name), key);
  const where = `${cfg.knownHostsFile}:${verdict.kind === 'unknown' ? '' : verdict.entry.line}`;
  switch (verdict.kind) {
    case 'known':
      return 'ok';
    case 'revoked':
      return new HostKeyError(cfg.host, `host key ${fingerprint(key)} is marked @revoked at ${where}`);
    case 'changed':
      return new HostKeyError(
        cfg.host,
        `HOST KEY CHANGED for ${name}: the server presented ${keyTypeOf(key)} ${fingerprint(key)}, but ${where} has ${fingerprint(verdict.entry.key)}`,
        `if the host was really reinstalled, remove line ${where} (ssh-keygen -R '${name}' -f ${cfg.knownHostsFile}) and connect again; otherwise someone may be intercepting the connection`,
      );
    case 'unknown':
      if (cfg.hostKeyPolicy === 'accept-new') return 'record';
      return new HostKeyError(
        cfg.host,
        `unknown host key for ${name}: ${keyTypeOf(key)} ${fingerprint(key)} is not in ${cfg.knownHostsFile}${verdict.otherTypes.length ? ` (which knows only ${verdict.otherTypes.join(', ')} keys for it)` : ''}`,
        `check the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and add it (ssh-keyscan -p ${cfg.port} ${cfg.address} >> ${cfg.knownHostsFile}), or set hostKeyPolicy: accept-new`,
      );
  }
}

function describeFailure(cfg: SshConfig, err: Error & { code?: string; level?: string }): ConnectError {
  const at = `${cfg.address}:${cfg.port}`;
  const message = err.message;
  if (err.code === 'ECONNREFUSED') {
    return new ConnectError(
      cfg.host,
      `connection refused at ${at}`,
      'check that sshd runs there and listens on that port',
    );
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new ConnectError(cfg.host, `cannot resolve ${cfg.address}`, 'check the address in the inventory');
  }
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') {
    return new ConnectError(cfg.host, `no route to ${at}`, 'check the address and the network path');
  }
  if (err.code === 'ETIMEDOUT' || /timed out/i.test(message)) {
    return new ConnectError(
      cfg.host,
      `no SSH answer from ${at} within ${cfg.connectTimeoutMs / 1000}s`,
      'check the address, the port and any firewall; raise connectTimeout for slow links',
    );
  }
  if (err.level === 'client-authentication') {
    return new ConnectError(
      cfg.host,
      `authentication failed as ${cfg.user}`,
      `check the user and that its ~/.ssh/authorized_keys holds the key (${cfg.identityFile ?? 'from ssh-agent'})`,
    );
  }
  if (/privateKey|passphrase/i.test(message)) {
    return new ConnectError(
      cfg.host,
      `cannot use identityFile ${cfg.identityFile}: ${message}`,
      'use an unencrypted key file, or load the key into ssh-agent and drop identityFile',
    );
  }
  return new ConnectError(cfg.host, `SSH connection to ${at} failed: ${message}`);
}

function forwardThrough(jump: SshConnection, cfg: SshConfig): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.client.forwardOut('127.0.0.1', 0, cfg.address, cfg.port, (err, stream) => {
      if (err) {
        reject(
          new ConnectError(
            cfg.host,
            `jump host ${cfg.jump?.host} cannot reach ${cfg.address}:${cfg.port}: ${err.message}`,
            'check the address as seen from the jump host, and that the jump host allows TCP forwarding',
          ),
        );
      } else resolve(stream);
    });
  });
}

/** Opens a ready connection (through the jump host when configured), verifying the host key first. */
export async function openConnection(cfg: SshConfig): Promise<SshConnection> {
  const auth = await authOptions(cfg);
  const name = knownHostName(cfg.address, cfg.port);
  const knownText = await readKnownHosts(cfg.knownHostsFile);
  const knownTypes = keysForHost(knownText, name)
    .filter((k) => !k.revoked)
    .map((k) => k.keyType);
  const jump = cfg.jump ? await openConnection(cfg.jump) : undefined;
  let sock: Duplex | undefined;
  try {
    sock = jump ? await forwardThrough(jump, cfg) : undefined;
  } catch (e) {
    jump?.end();
    throw e;
  }
  const client = new Client();
  let refusal: HostKeyError | undefined;
  const end = () => {
    client.end();
    jump?.end();
  };
  return new Promise<SshConnection>((resolve, reject) => {
    client.on('ready', () => resolve({ client, end }));
    client.on('error', (err) => {
      end();
      reject(refusal ?? describeFailure(cfg, err));
    });
    client.on('close', () => jump?.end());
    const options: ConnectConfig = {
      host: cfg.address,
      port: cfg.port,
      username: cfg.user,
      ...auth,
      sock,
      readyTimeout: cfg.connectTimeoutMs,
      keepaliveInterval: cfg.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      algorithms: {
        serverHostKey: hostKeyAlgorithmsFor(knownTypes) as NonNullable<
          ConnectConfig['algorithms']
        >['serverHostKey'],
      },
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        const verdict = hostKeyProblem(cfg, name, key, knownText);
        if (verdict === 'ok') return verify(true);
        if (verdict !== 'record') {
          refusal = verdict;
          return verify(false);
        }
        recordHostKey(cfg.knownHostsFile, name, key).then(
          () => verify(true),
          (e: Error) => {
            refusal = new HostKeyError(
              cfg.host,
              `cannot record the new host key in ${cfg.knownHostsFile}: ${e.message}`,
            );
            verify(false);
          },
        );
      },
    };
    try {
      client.connect(options);
    } catch (e) {
      end();
      reject(describeFailure(cfg, e as Error));
    }
  });
}
