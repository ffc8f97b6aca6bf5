// The `tcp` probe, run from the controller: does a port on the host accept connections.
import { Type } from '@sinclair/typebox';
import { tcpConnect, tcpFailure, timeoutParam } from './lib/net-probe.js';
import { defineAction } from './types.js';

const tcpSchema = Type.Object(
  {
    port: Type.Integer({ minimum: 1, maximum: 65535, description: 'TCP port' }),
    host: Type.Optional(
      Type.String({ minLength: 1, description: "Host to connect to (default: the host's address)" }),
    ),
    timeout: timeoutParam(5),
  },
  { additionalProperties: false },
);

/** Checks from the controller that a TCP port on the host accepts connections. */
export const tcpAction = defineAction({
  name: 'tcp',
  controller: true,
  description: 'Check from the controller that a TCP port accepts connections',
  schema: tcpSchema,
  probe: true,
  read: (ctx, p) => tcpConnect(p.host ?? ctx.address, p.port, (p.timeout ?? 5) * 1000, ctx.signal),
  plan(probe) {
    const data = { ...probe };
    if (probe.state === 'open') return { changes: [], reason: `${probe.host}:${probe.port} is open`, data };
    return { changes: [], failed: tcpFailure(probe), data };
  },
});
