/** A recording TCP server on loopback and a client helper, for the TCP proxy tests. */
import net from 'node:net';

/** What one side of a TCP connection saw. */
export class Seen {
  chunks: Buffer[] = [];
  ended = false;
  closed = false;
  error: string | null = null;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (b) => this.chunks.push(b));
    socket.on('end', () => (this.ended = true));
    socket.on('error', (e: NodeJS.ErrnoException) => (this.error = e.code ?? e.message));
    socket.on('close', () => (this.closed = true));
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }
}

/** A TCP server that records every connection; `echo` sends data back. */
export class TcpSink {
  readonly conns: Seen[] = [];
  private readonly server: net.Server;

  private constructor(echo: boolean) {
    this.server = net.createServer({ allowHalfOpen: true }, (s) => {
      const seen = new Seen(s);
      this.conns.push(seen);
      if (echo) s.on('data', (b) => s.writable && s.write(b));
    });
  }

  static async open(echo = false, port = 0): Promise<TcpSink> {
    const t = new TcpSink(echo);
    await new Promise<void>((resolve, reject) => {
      t.server.once('error', reject);
      t.server.listen(port, '127.0.0.1', () => resolve());
    });
    return t;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.socket.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Connects to 127.0.0.1:port with half-open allowed; resolves once connected. */
export async function dial(port: number): Promise<Seen> {
  const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const seen = new Seen(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('error', reject);
  });
  return seen;
}
