// The `http` probe, run from the controller: does a URL answer as expected, with what certificate.
import { Type } from '@sinclair/typebox';
import { isSecret, type Secret } from '../core/secret.js';
import { type HttpProbe, httpProbe, timeoutParam } from './lib/net-probe.js';
import { defineAction, type Plan } from './types.js';

const httpSchema = Type.Object(
  {
    url: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'Full URL, e.g. https://srvwapt/ping' }),
    ),
    path: Type.Optional(
      Type.String({
        pattern: '^/',
        description: "Path on the host's address over https, e.g. /ping (instead of url)",
      }),
    ),
    port: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 65535, description: 'With path: port (default 443)' }),
    ),
    method: Type.Optional(
      Type.Union([Type.Literal('GET'), Type.Literal('HEAD'), Type.Literal('POST')], {
        default: 'GET',
        description: 'GET, HEAD or POST',
      }),
    ),
    body: Type.Optional(
      Type.String({
        description: 'Request body, e.g. JSON for a POST (may be a secret param: never shown or reported)',
      }),
    ),
    content_type: Type.Optional(
      Type.String({ minLength: 1, description: 'Content-Type of the body (default application/json)' }),
    ),
    status: Type.Optional(
      Type.Union(
        [
          Type.Integer({ minimum: 100, maximum: 599 }),
          Type.Array(Type.Integer({ minimum: 100, maximum: 599 })),
        ],
        {
          default: 200,
          description: 'Expected status code, or a list of accepted ones',
        },
      ),
    ),
    body_contains: Type.Optional(Type.String({ minLength: 1, description: 'Text the body must contain' })),
    insecure: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Accept a certificate that does not verify (still reported)',
      }),
    ),
    server_name: Type.Optional(
      Type.String({ minLength: 1, description: 'Name sent as TLS SNI and Host header' }),
    ),
    timeout: timeoutParam(10),
  },
  { additionalProperties: false, oneOf: [{ required: ['url'] }, { required: ['path'] }] },
);

function targetUrl(p: { url?: string; path?: string; port?: number }, address: string): URL {
  if (p.url) return new URL(p.url);
  const host = address.includes(':') ? `[${address}]` : address;
  return new URL(`https://${host}${p.port ? `:${p.port}` : ''}${p.path ?? '/'}`);
}

function httpPlan(
  r: HttpProbe,
  p: { status?: number | number[]; body_contains?: string; insecure?: boolean },
): Plan {
  const data = { ...r };
  const what = `${r.method} ${r.url}`;
  if (r.error !== null || r.status === null)
    return { changes: [], failed: `${what}: ${r.error ?? 'no response'}`, data };
  const accepted = Array.isArray(p.status) ? p.status : [p.status ?? 200];
  if (!accepted.includes(r.status)) {
    return { changes: [], failed: `${what} answered ${r.status}, expected ${accepted.join(' or ')}`, data };
  }
  if (p.body_contains !== undefined && !r.body.includes(p.body_contains)) {
    const part = r.truncated ? 'the first 64 KiB of the body do' : 'the body does';
    return {
      changes: [],
      failed: `${what} answered ${r.status} but ${part} not contain "${p.body_contains}"`,
      data,
    };
  }
  const unverified =
    r.tls && !r.tls.authorized ? ` (certificate not verified: ${r.tls.authorizationError})` : '';
  return { changes: [], reason: `${what} answered ${r.status}${unverified}`, data };
}

/** The text of a body param, a secret one included (it goes only into the request). */
function revealed(body: string | Secret | undefined): string | undefined {
  return isSecret(body) ? body.reveal() : body;
}

/** Checks from the controller that a URL answers with the expected status and body; reports its certificate. */
export const httpAction = defineAction({
  name: 'http',
  controller: true,
  description: 'Check from the controller that a URL answers as expected, and report its TLS certificate',
  schema: httpSchema,
  probe: true,
  secretParams: ['body'],
  read: (ctx, p) =>
    httpProbe(targetUrl(p, ctx.address), {
      method: p.method ?? 'GET',
      body: revealed(p.body as string | Secret | undefined),
      contentType: p.content_type,
      insecure: p.insecure ?? false,
      serverName: p.server_name,
      timeoutMs: (p.timeout ?? 10) * 1000,
      signal: ctx.signal,
    }),
  plan: httpPlan,
});
