// tcp and http probes against real servers on 127.0.0.1 (certificates made with openssl: self-signed, expired from a CA).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAction } from '../../../scripts/actions/http.js';
import { tcpConnect, tcpStateOf } from '../../../scripts/actions/lib/net-probe.js';
import { tcpAction } from '../../../scripts/actions/tcp.js';
import { Secret } from '../../../scripts/core/secret.js';
import { expiredCertificate, opensslFingerprint, selfSigned } from '../../helpers/certs.js';
import { recordingContext } from '../../helpers/local-context.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-net-'));
const servers: Server[] = [];
let httpsPort = 0;
let httpPort = 0;
let requestsSeen = 0;
let fingerprint = '';

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/** A port on 127.0.0.1 where nothing listens (bound once, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((r) =>
    server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)),
  );
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  const { key, cert } = selfSigned(dir, 'srvwapt', {
    cn: 'srvwapt.test',
    keyType: 'ec',
    san: 'DNS:srvwapt.test,IP:127.0.0.1',
  });
  fingerprint = opensslFingerprint(cert);
  const https = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    requestsSeen++;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const ok = body === '{"user":"admin","password":"s3cret-pass"}';
        res.writeHead(ok ? 200 : 401).end(`type=${req.headers['content-type']} length=${body.length}`);
      });
    } else if (req.url === '/ping') res.end('{"success":true,"msg":"WAPT Server running"}');
    else if (req.url === '/down') res.writeHead(503).end('down');
    else if (req.url === '/big') res.end('x'.repeat(200 * 1024));
    else res.end(`host=${req.headers.host} sni=${(req.socket as TLSSocket).servername}`);
  });
  httpsPort = await listen(https);
  httpPort = await listen(createHttpServer((_req, res) => res.writeHead(302, { location: '/wapt/' }).end()));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

async function probe(params: Parameters<typeof httpAction.plan>[1]) {
  const state = await httpAction.read(recordingContext(), params);
  return httpAction.plan(state, params);
}

describe('tcp', () => {
  it('finds a listening port open', async () => {
    const plan = tcpAction.plan(await tcpAction.read(recordingContext(), { port: httpPort }), {
      port: httpPort,
    });
    expect(plan).toMatchObject({
      changes: [],
      reason: `127.0.0.1:${httpPort} is open`,
      data: { state: 'open' },
    });
  });

  it('fails on a closed port saying nothing listens', async () => {
    const port = await closedPort();
    const plan = tcpAction.plan(await tcpAction.read(recordingContext(), { port }), { port });
    expect(plan.data).toMatchObject({ state: 'refused' });
    expect(plan.failed).toBe(`127.0.0.1:${port} refused the connection: nothing listens on port ${port}`);
  });

  it('times out when the listener accepts nothing more (full backlog of a stopped process)', async () => {
    // A child listens with backlog 1 and stops itself: the kernel queues a few connections, then drops SYNs.
    const child = spawn(process.execPath, [
      '-e',
      `
      const s = require('node:net').createServer();
      s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () =>
        process.stdout.write(s.address().port + '\\n', () => process.kill(process.pid, 'SIGSTOP')));`,
    ]);
    const fillers: Socket[] = [];
    try {
      const port = await new Promise<number>((r) =>
        child.stdout.once('data', (d) => r(Number(String(d).trim()))),
      );
      for (let i = 0; i < 8; i++) {
        const filler = connect({ port, host: '127.0.0.1' });
        fillers.push(filler);
        const connected = await new Promise<boolean>((r) => {
          filler.once('connect', () => r(true));
          filler.once('error', () => r(false));
          setTimeout(() => r(false), 500);
        });
        if (!connected) break;
      }
      const result = await tcpConnect('127.0.0.1', port, 1000);
      expect(result.state).toBe('timeout');
    } finally {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
    }
  });

  it('names DNS and routing errors by their codes', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(tcpStateOf(err('ENOTFOUND'))).toBe('dns-error');
    expect(tcpStateOf(err('EAI_AGAIN'))).toBe('dns-error');
    expect(tcpStateOf(err('EHOSTUNREACH'))).toBe('unreachable');
    expect(tcpStateOf(err('ETIMEDOUT'))).toBe('timeout');
  });

  it('stops when the run is interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(tcpConnect('127.0.0.1', httpPort, 1000, controller.signal)).rejects.toThrow('interrupted');
  });
});

describe('http', () => {
  it('with insecure, answers and still reports the self-signed certificate', async () => {
    const plan = await probe({
      url: `https://127.0.0.1:${httpsPort}/ping`,
      insecure: true,
      body_contains: 'WAPT Server running',
    });
    expect(plan.failed).toBeUndefined();
    expect(plan.reason).toBe(
      `GET https://127.0.0.1:${httpsPort}/ping answered 200 (certificate not verified: DEPTH_ZERO_SELF_SIGNED_CERT)`,
    );
    const tls = plan.data?.tls as Record<string, unknown>;
    expect(tls).toMatchObject({
      authorized: false,
      subject: 'srvwapt.test',
      issuer: 'srvwapt.test',
      self_signed: true,
      subjectaltnames: ['DNS:srvwapt.test', 'IP Address:127.0.0.1'],
      fingerprint256: fingerprint,
    });
    expect(tls.days_left).toBeGreaterThanOrEqual(28);
    expect(tls.days_left).toBeLessThanOrEqual(30);
  });

  it('reports an expired certificate a CA issued as not self-signed, with its issuer and negative days left', async () => {
    const caDir = join(dir, 'expired-ca');
    mkdirSync(caDir);
    const ca = selfSigned(caDir, 'test-ca', { cn: 'Test CA' });
    const pair = expiredCertificate(caDir, '/CN=srvwapt.test', ca);
    const server = createHttpsServer(
      { key: readFileSync(pair.key), cert: readFileSync(pair.cert) },
      (_req, res) => res.end('ok'),
    );
    const port = await listen(server);
    const plan = await probe({ url: `https://127.0.0.1:${port}/`, insecure: true });
    const tls = plan.data?.tls as Record<string, unknown>;
    expect(tls).toMatchObject({
      subject: 'srvwapt.test',
      issuer: 'Test CA',
      self_signed: false,
      valid_to: '2020-02-01T00:00:00.000Z',
    });
    expect(tls.days_left).toBeLessThan(0);
  });

  it('without insecure, refuses the untrusted certificate before sending the request', async () => {
    const before = requestsSeen;
    const plan = await probe({ url: `https://127.0.0.1:${httpsPort}/ping` });
    expect(plan.failed).toBe(
      `GET https://127.0.0.1:${httpsPort}/ping: certificate not trusted: DEPTH_ZERO_SELF_SIGNED_CERT`,
    );
    expect(plan.data).toMatchObject({ status: null, tls: { fingerprint256: fingerprint } });
    expect(requestsSeen).toBe(before);
  });

  it('a path goes to the host address; server_name is sent as SNI and Host', async () => {
    const plan = await probe({ path: '/echo', port: httpsPort, insecure: true, server_name: 'srvwapt.test' });
    expect(plan.data?.body).toBe(`host=srvwapt.test:${httpsPort} sni=srvwapt.test`);
    expect(plan.data?.url).toBe(`https://127.0.0.1:${httpsPort}/echo`);
  });

  it('fails on an unexpected status and accepts a listed one', async () => {
    const down = await probe({ url: `https://127.0.0.1:${httpsPort}/down`, insecure: true });
    expect(down.failed).toBe(`GET https://127.0.0.1:${httpsPort}/down answered 503, expected 200`);
    const redirect = await probe({ url: `http://127.0.0.1:${httpPort}/`, status: [301, 302] });
    expect(redirect).toMatchObject({
      reason: `GET http://127.0.0.1:${httpPort}/ answered 302`,
      data: { tls: null },
    });
    expect(redirect.data?.headers).toMatchObject({ location: '/wapt/' });
  });

  it('keeps at most 64 KiB of the body; HEAD reads none', async () => {
    const big = await probe({
      url: `https://127.0.0.1:${httpsPort}/big`,
      insecure: true,
      body_contains: 'y',
    });
    expect(big.data).toMatchObject({ truncated: true });
    expect(String(big.data?.body).length).toBe(64 * 1024);
    expect(big.failed).toContain('the first 64 KiB of the body do not contain "y"');
    const head = await probe({ url: `https://127.0.0.1:${httpsPort}/ping`, method: 'HEAD', insecure: true });
    expect(head.failed).toBeUndefined();
    expect(head.data).toMatchObject({ method: 'HEAD', status: 200, body: '' });
  });

  it('POSTs a secret body with its content type; the body is never in the result', async () => {
    const url = `https://127.0.0.1:${httpsPort}/api/v3/login`;
    const body = new Secret('{"user":"admin","password":"s3cret-pass"}') as unknown as string;
    const ok = await probe({ url, method: 'POST', body, insecure: true });
    expect(ok.failed).toBeUndefined();
    expect(ok.data).toMatchObject({ method: 'POST', status: 200, body: 'type=application/json length=41' });
    expect(JSON.stringify(ok)).not.toContain('s3cret-pass');
    const wrong = await probe({
      url,
      method: 'POST',
      body: '{"user":"admin","password":"wrong"}',
      content_type: 'application/x-test',
      insecure: true,
      status: 401,
    });
    expect(wrong.failed).toBeUndefined();
    expect(wrong.data).toMatchObject({ status: 401, body: 'type=application/x-test length=35' });
  });

  it('fails when nothing listens', async () => {
    const port = await closedPort();
    const plan = await probe({ url: `http://127.0.0.1:${port}/ping` });
    expect(plan.failed).toBe(`GET http://127.0.0.1:${port}/ping: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
