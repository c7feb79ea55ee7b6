/**
 * A minimal protocol-v1 test client: a real `ws` socket on loopback that records every server
 * message and lets a test wait for one (bounded waits only).
 */
import WebSocket from 'ws';
import type { ServerMessage } from '../../../../src/shared/protocol/messages';

/** One recorded message with its arrival time. */
export interface Received {
  at: number;
  msg: ServerMessage;
}

/** A test client; always `close()` it (afterEach). */
export class TestClient {
  readonly received: Received[] = [];
  closeInfo: { code: number; reason: string } | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(msg: ServerMessage) => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage;
      this.received.push({ at: performance.now(), msg });
      for (const listener of [...this.listeners]) listener(msg);
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closeInfo = { code, reason: String(reason) };
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** Opens a socket and waits for it to be open. */
  static async connect(url: string): Promise<TestClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new TestClient(socket);
  }

  /** Sends an object as JSON (or a raw string / buffer as is). */
  send(message: object | string | Buffer): void {
    this.socket.send(
      typeof message === 'object' && !Buffer.isBuffer(message) ? JSON.stringify(message) : message,
    );
  }

  /** Calls `listener` for every later message; returns the unsubscribe function. */
  onMessage(listener: (msg: ServerMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Messages of one type received so far. */
  all<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.received
      .filter((r) => r.msg.type === type)
      .map((r) => r.msg as Extract<ServerMessage, { type: T }>);
  }

  /** Waits for the first message (from index `from`) matching the predicate. */
  async next<T extends ServerMessage['type']>(
    type: T,
    predicate: (msg: Extract<ServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
    from = 0,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const found = (): Extract<ServerMessage, { type: T }> | undefined =>
      this.received
        .slice(from)
        .map((r) => r.msg)
        .find((m): m is Extract<ServerMessage, { type: T }> => m.type === type && predicate(m as never));
    await this.until(() => found() !== undefined, timeoutMs, `no ${type} message`);
    return found()!;
  }

  /** Waits for the socket to close; resolves with code and reason. */
  async closed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closeInfo !== null, timeoutMs, 'socket did not close');
    return this.closeInfo!;
  }

  /** Sends a ping and waits for its pong (proves the server still serves this socket). */
  async ping(timeoutMs = 3000): Promise<void> {
    const ts = Math.random();
    this.send({ type: 'ping', ts });
    await this.next('pong', (m) => m.ts === ts, timeoutMs);
  }

  /** Waits until `check()` holds, re-checking on every message (and every 20 ms). */
  async until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!check()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 20));
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
      this.waiters.clear();
    }
  }

  /** Closes the socket (no-op when already closed). */
  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.terminate();
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
