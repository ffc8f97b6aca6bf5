// A TCP relay in front of one benchmark host that notes when the first connection arrives.
import net from 'node:net';

/** A listening relay; `firstAt` is the hrtime (ns) of its first accepted connection. */
export interface Relay {
  port: number;
  firstAt(): bigint | undefined;
  /** Forgets the first connection (before the next measured run). */
  rearm(): void;
  close(): Promise<void>;
}

/** Relays 127.0.0.1:<port> to `address`:22. */
export function startRelay(address: string): Promise<Relay> {
  let first: bigint | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    first ??= process.hrtime.bigint();
    const upstream = net.connect(22, address);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        firstAt: () => first,
        rearm: () => {
          first = undefined;
        },
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
