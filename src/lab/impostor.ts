/**
 * A bare second login of a UID (protocol v1 `join` on a fresh socket), used by the
 * `duplicate-login` step to make the server kick the older session with SAME_UID_LOGIN.
 */
import WebSocket from 'ws';

/** Opens the second login and resolves when the server answered; returns a closer. */
export async function openImpostorLogin(
  url: string,
  channel: string,
  uid: number,
  token: string,
  timeoutMs = 5000,
): Promise<() => void> {
  const socket = new WebSocket(url);
  const close = (): void => socket.terminate();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('second login: no answer from the server')), timeoutMs);
    socket.once('open', () =>
      socket.send(JSON.stringify({ type: 'join', channel, uid, token, id: 'impostor' })),
    );
    socket.on('message', (data) => {
      let msg: { type?: string; message?: string };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return; // not ours to judge: the server's own tests cover its output
      }
      if (msg.type === 'joined' || msg.type === 'error') {
        clearTimeout(timer);
        if (msg.type === 'joined') resolve();
        else reject(new Error(`second login refused: ${msg.message ?? 'error'}`));
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  }).catch((error: unknown) => {
    close();
    throw error;
  });
  return close;
}
