// The JSON Schema (TypeBox) of an inventory file: connection defaults, hosts and groups.
import { Type } from '@sinclair/typebox';
import { NamedMap, StringEnum } from './playbook-schema.js';
import { namedPatterns } from './problems.js';

const connectionSettings = {
  user: Type.Optional(Type.String({ minLength: 1, description: 'SSH login; default: your local user name' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 22 })),
  identity_file: Type.Optional(
    Type.String({ minLength: 1, description: 'Private key; `~` and relative paths work' }),
  ),
  known_hosts: Type.Optional(
    Type.String({ minLength: 1, description: 'known_hosts file; default: ~/.ssh/known_hosts' }),
  ),
  host_key_policy: Type.Optional(
    StringEnum(
      ['strict', 'accept-new'] as const,
      'strict: the key must be known; accept-new: learn unknown keys',
    ),
  ),
  become: Type.Optional(
    Type.Union([Type.Boolean(), Type.String({ minLength: 1 })], { description: 'sudo for every step' }),
  ),
  connect_timeout: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 10, description: 'Seconds' })),
  jump: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'ProxyJump: inventory host names or user@host:port, a comma chain, first hop first',
    }),
  ),
};

const Vars = NamedMap(
  namedPatterns.identifier.pattern,
  Type.Unknown(),
  'Variables expressions read as `vars.<name>`',
);

/** One host; `null` means every default. */
export const HostSchema = Type.Union([
  Type.Object(
    {
      address: Type.Optional(
        Type.String({
          minLength: 1,
          description: "Name or IP to connect to (default: the ssh config's HostName, else the host name)",
        }),
      ),
      connection: Type.Optional(
        StringEnum(['ssh', 'local'] as const, 'local: run on this machine, no address needed'),
      ),
      ...connectionSettings,
      vars: Type.Optional(Vars),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

/** A group: member hosts, child groups (their hosts are members too) and vars. */
export const GroupSchema = Type.Object(
  {
    hosts: Type.Optional(Type.Array(Type.String())),
    children: Type.Optional(Type.Array(Type.String())),
    vars: Type.Optional(Vars),
  },
  { additionalProperties: false },
);

/** The whole inventory file. */
export const InventorySchema = Type.Object(
  {
    defaults: Type.Optional(Type.Object(connectionSettings, { additionalProperties: false })),
    vars: Type.Optional(Vars),
    hosts: NamedMap(namedPatterns.name.pattern, HostSchema),
    groups: Type.Optional(NamedMap(namedPatterns.name.pattern, GroupSchema)),
  },
  { additionalProperties: false },
);

/** The inventory schema for editors. */
export function inventoryEditorSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'waptops inventory',
    ...JSON.parse(JSON.stringify(InventorySchema)),
  };
}
