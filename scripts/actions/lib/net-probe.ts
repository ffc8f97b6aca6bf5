// Network probes from the controller: one TCP connection attempt, one HTTP(S) request with its certificate.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { isDeepStrictEqual } from 'node:util';
import { Type } from '@sinclair/typebox';
import { StepError } from '../../core/errors.js';

/** How a TCP connection attempt ended. */
export type TcpState = 'open' | 'refused' | 'timeout' | 'unreachable' | 'dns-error';

/** One TCP connection attempt from the controller. */
export interface TcpProbe {
  host: string;
  port: number;
  state: TcpState;
  ms: number;
  error: string | null;
}

/** The TCP state a socket error means. */
export function tcpStateOf(err: NodeJS.ErrnoException): TcpState {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return 'dns-error';
    default:
      return 'unreachable';
  }
}

/** Connects to host:port once; resolves with how it went, rejects only when `signal` aborts. */
export function tcpConnect(
  host: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<TcpProbe> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, signal });
    const done = (state: TcpState, error: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ host, port, state, ms: Math.round(performance.now() - started), error });
    };
    const timer = setTimeout(() => done('timeout', `no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done('open', null));
    socket.once('error', (e: NodeJS.ErrnoException) => {
      if (e.name !== 'AbortError') return done(tcpStateOf(e), e.message);
      clearTimeout(timer);
      reject(new StepError(`interrupted while connecting to ${host}:${port}`));
    });
  });
}

/** Why a TCP probe did not find the port open, in words an on-call person can act on. */
export function tcpFailure(p: TcpProbe): string {
  const where = `${p.host}:${p.port}`;
  switch (p.state) {
    case 'refused':
      return `${where} refused the connection: nothing listens on port ${p.port}`;
    case 'timeout':
      return `${where} did not answer (timeout): filtered by a firewall, or the host is down`;
    case 'dns-error':
      return `cannot resolve ${p.host}: ${p.error}`;
    default:
      return `${where} is unreachable: ${p.error}`;
  }
}

/** The server certificate as the probe saw it; `fingerprint256` is lower-case hex without colons. */
export interface TlsInfo {
  authorized: boolean;
  authorizationError: string | null;
  subject: string | null;
  subjectaltnames: string[];
  issuer: string | null;
  /** The issuer's whole name is the subject's: a self-signed certificate, not one a CA issued. */
  self_signed: boolean;
  valid_from: string;
  valid_to: string;
  days_left: number;
  fingerprint256: string;
}

/** The request methods a probe may send. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST';

/** What one HTTP request got (status null when no response arrived). */
export interface HttpProbe {
  method: HttpMethod;
  url: string;
  status: number | null;
  headers: Record<string, string>;
  /** The start of the body, at most 64 KiB, as UTF-8. */
  body: string;
  truncated: boolean;
  tls: TlsInfo | null;
  ms: number;
  error: string | null;
}

const bodyLimit = 64 * 1024;
const keptHeaders = [
  'server',
  'content-type',
  'content-length',
  'location',
  'www-authenticate',
  'strict-transport-security',
];

function headerSubset(h: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(keptHeaders.flatMap((k) => (h[k] === undefined ? [] : [[k, String(h[k])]])));
}

function tlsInfo(socket: TLSSocket): TlsInfo {
  const cert = socket.getPeerCertificate();
  const validTo = new Date(cert.valid_to);
  return {
    authorized: socket.authorized,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
    subject: cert.subject?.CN ? String(cert.subject.CN) : null,
    subjectaltnames: cert.subjectaltname ? cert.subjectaltname.split(', ') : [],
    issuer: cert.issuer?.CN ? String(cert.issuer.CN) : null,
    self_signed: isDeepStrictEqual({ ...cert.issuer }, { ...cert.subject }),
    valid_from: new Date(cert.valid_from).toISOString(),
    valid_to: validTo.toISOString(),
    days_left: Math.floor((validTo.getTime() - Date.now()) / 86_400_000),
    fingerprint256: (cert.fingerprint256 ?? '').replace(/:/g, '').toLowerCase(),
  };
}

/** How to send one probe request. */
export interface HttpProbeOptions {
  method: HttpMethod;
  /** Request body (e.g. JSON for a POST); never reported. */
  body?: string;
  /** Its Content-Type (default application/json when a body is sent). */
  contentType?: string;
  /** Accept a certificate that does not verify (it is still reported). */
  insecure: boolean;
  /** Name sent as SNI and Host instead of the URL's host. */
  serverName?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Sends one request; never rejects: a failure is in `error`. An untrusted certificate stops it unless insecure. */
export function httpProbe(url: URL, o: HttpProbeOptions): Promise<HttpProbe> {
  const started = performance.now();
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const sni = o.serverName ?? (isIP(hostname) ? undefined : hostname);
  const out: HttpProbe = {
    method: o.method,
    url: url.href,
    status: null,
    headers: {},
    body: '',
    truncated: false,
    tls: null,
    ms: 0,
    error: null,
  };
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      out.body = Buffer.concat(chunks).subarray(0, bodyLimit).toString('utf8');
      if (error && out.error === null) out.error = error.message;
      out.ms = Math.round(performance.now() - started);
      req.destroy();
      resolve(out);
    };
    const send = secure ? httpsRequest : httpRequest;
    const req = send({
      hostname,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: o.method,
      headers: {
        host: o.serverName ? `${o.serverName}${url.port ? `:${url.port}` : ''}` : url.host,
        'user-agent': 'waptops',
        ...(o.body === undefined
          ? {}
          : {
              'content-type': o.contentType ?? 'application/json',
              'content-length': String(Buffer.byteLength(o.body)),
            }),
      },
      agent: false,
      signal: o.signal,
      ...(secure ? { rejectUnauthorized: false, ...(sni ? { servername: sni } : {}) } : {}),
    });
    req.on('socket', (socket) => {
      socket.once('secureConnect', () => {
        out.tls = tlsInfo(socket as TLSSocket);
        if (!o.insecure && !out.tls.authorized)
          finish(new Error(`certificate not trusted: ${out.tls.authorizationError}`));
      });
    });
    req.on('response', (res) => {
      out.status = res.statusCode ?? null;
      out.headers = headerSubset(res.headers);
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > bodyLimit) {
          out.truncated = true;
          finish();
        }
      });
      res.on('end', () => finish());
      res.on('error', (e) => finish(e));
    });
    req.on('error', (e) => finish(e));
    const timer = setTimeout(() => finish(new Error(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    req.end(o.body);
  });
}

/** A timeout param in seconds with its default, for the controller-side probes. */
export const timeoutParam = (seconds: number) =>
  Type.Optional(
    Type.Number({ exclusiveMinimum: 0, default: seconds, description: `Seconds (default ${seconds})` }),
  );
