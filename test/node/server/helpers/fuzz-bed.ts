/**
 * The fuzz bed: a channel server in its own process (as the lab runs it, SFU on) with two
 * joined members that publish video, one subscribed to the other, both heartbeating. The fuzz
 * test and the fuzz bench measure what fuzzing does to them: heartbeat RTTs, pongs missed,
 * decoded frames, the server's RSS.
 */
import pidusage from 'pidusage';
import { resolveTiming } from '../../../../src/shared/model/config';
import { ServerProcess } from '../../../../src/lab/server/server-process';
import { signToken } from '../../../../src/lab/server/tokens';
import { Publisher, Subscriber } from './wrtc-media';
import { TestClient } from './ws-client';

/** The bed server's token secret (a fuzz sender in another process signs with it). */
export const FUZZ_SECRET = 'fuzz-bed-secret';
/** The channel of the bed's members (fuzz sockets that join use it too). */
export const FUZZ_CHANNEL = 'room';
/** Half speed: a 10 s heartbeat timeout, so two busy cores cannot time the members out. */
const TIMING = resolveTiming({ timeScale: 0.5 });

/** One member of the bed: its socket, its heartbeat figures. */
export interface BedMember {
  client: TestClient;
  /** Pings sent. */
  pings: number;
  /** RTTs of the pongs received, in ms, in order. */
  rtts: number[];
}

/** A running fuzz bed; `close()` ends everything it started. */
export interface FuzzBed {
  server: ServerProcess;
  url: string;
  members: [BedMember, BedMember];
  /** Frames the subscriber decoded from member 1 so far. */
  decodedFrames(): number;
  /** The server process's RSS now, in bytes. */
  serverRss(): Promise<number>;
  /** CPU time the server process has used so far, ms. */
  serverCpuMs(): Promise<number>;
  /** A token of `uid` in the bed's channel. */
  token(uid: number): string;
  /** Marks where a phase begins: RTTs from here on are the phase's. */
  mark(): { rttsFrom: [number, number]; pingsFrom: [number, number] };
  close(): Promise<void>;
}

/**
 * Starts the bed; resolves once member 2 decodes member 1's video.
 * @param heartbeatMs how often each member pings (the RTT samples)
 */
export async function startFuzzBed(heartbeatMs = 200): Promise<FuzzBed> {
  const server = await ServerProcess.start({ secret: FUZZ_SECRET, timing: TIMING, media: true });
  const token = (uid: number): string =>
    signToken(FUZZ_SECRET, {
      channel: FUZZ_CHANNEL,
      uid,
      role: 'host',
      exp: Math.floor(Date.now() / 1000) + 3600,
    });
  const closers: Array<{ close(): void }> = [];
  const members: BedMember[] = [];
  try {
    for (const uid of [1, 2]) {
      const client = await TestClient.connect(server.url);
      closers.push(client);
      client.send({ type: 'join', channel: FUZZ_CHANNEL, uid, token: token(uid) });
      await client.next('joined');
      const member: BedMember = { client, pings: 0, rtts: [] };
      client.onMessage((msg) => {
        if (msg.type === 'pong' && msg.ts > 0) member.rtts.push(performance.now() - msg.ts);
      });
      members.push(member);
    }
    const heartbeat = setInterval(() => {
      for (const member of members) {
        if (member.client.closeInfo !== null) continue;
        member.pings++;
        member.client.send({ type: 'ping', ts: performance.now() });
      }
    }, heartbeatMs);
    closers.push({ close: () => clearInterval(heartbeat) });
    const publishers = members.map((member) => new Publisher(member.client, ['video']));
    closers.push(...publishers);
    const subscriber = new Subscriber(members[1]!.client);
    closers.push(subscriber);
    for (const publisher of publishers) {
      publisher.feed(10 * 60_000);
      await publisher.publish();
    }
    await members[1]!.client.next('user-published', (m) => m.uid === 1 && m.kind === 'video', 10_000);
    subscriber.subscribe(1, ['video']);
    await members[1]!.client.until(
      () => subscriber.framesFrom(1) >= 5,
      15_000,
      'decoded frames from member 1',
    );
    const usage = async (): Promise<{ memory: number; ctime: number }> => {
      const pid = server.pid;
      if (pid === undefined) throw new Error('the server process is gone');
      return pidusage(pid);
    };
    return {
      server,
      url: server.url,
      members: members as [BedMember, BedMember],
      decodedFrames: () => subscriber.framesFrom(1),
      async serverRss() {
        return (await usage()).memory;
      },
      async serverCpuMs() {
        return (await usage()).ctime;
      },
      token,
      mark: () => ({
        rttsFrom: [members[0]!.rtts.length, members[1]!.rtts.length],
        pingsFrom: [members[0]!.pings, members[1]!.pings],
      }),
      async close() {
        for (const closer of closers.reverse()) closer.close();
        await server.dispose();
      },
    };
  } catch (error) {
    for (const closer of closers.reverse()) closer.close();
    await server.dispose();
    throw error;
  }
}
