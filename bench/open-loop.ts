/**
 * The open-loop load generator of `bench:messages`, in its own process: visitors send over their
 * sockets at a fixed total rate, whatever the answers (not waiting for replies), and operators listen;
 * the latency of a message is from its send to the first operator socket showing it. Rates rise step
 * by step until p99 reaches 50 ms or the server falls behind. Prints one JSON line with every step.
 *
 * Input (env BENCH_OPEN_INPUT, JSON): { url, widgetKey, workspaceId, cookies, visitors, stepSeconds, rates }
 */
import WebSocket from 'ws';
import { percentile } from './stats.ts';
import { printSlowWindows, timelineOn } from './timeline.ts';

const input = JSON.parse(process.env.BENCH_OPEN_INPUT ?? '{}') as {
  url: string;
  widgetKey: string;
  workspaceId: string;
  cookies: string[];
  visitors: number;
  stepSeconds: number;
  rates: number[];
  /** Seconds sent at the first rate before the steps, not measured. */
  warmSeconds: number;
  all?: boolean;
};
const wsUrl = input.url.replace('http', 'ws');

/** The latency recorded for a message that did not arrive (JSON has no Infinity). */
const NOT_DELIVERED = 1e9;
const sentAt = new Map<string, number>();
/** Each delivered message: when it was sent and how long it took to reach the first operator. */
let samples: { sentAt: number; latency: number }[] = [];

/** How the server's first frame on a socket begins. */
const READY = '{"type":"ready"';
/** The first bytes of a frame, to skip what a socket does not need without decoding it. */
const head = (data: Buffer, n: number) => data.toString('latin1', 0, n);

/**
 * Opens a socket and resolves when the server says it is ready. `onMessage` gets the parsed frames
 * whose text starts with one of `wanted` (all of them when omitted); without `onMessage`, frames are
 * only received.
 */
const open = (
  url: string,
  headers: Record<string, string>,
  // biome-ignore lint/suspicious/noExplicitAny: server messages are read field by field
  onMessage: ((m: any) => void) | null,
  wanted?: string[],
) =>
  new Promise<WebSocket>((resolve, reject) => {
    // The server's frames are its own JSON: checking them for UTF-8 would be the generator's work,
    // not the server's.
    const ws = new WebSocket(url, { headers, skipUTF8Validation: true });
    let ready = false;
    ws.on('message', (data: Buffer) => {
      if (!ready && head(data, READY.length) === READY) {
        ready = true;
        resolve(ws);
        return;
      }
      // Operators other than the first are only received (the server still sends them everything),
      // and a visitor's socket is read for its acknowledgements only: parsing, or even decoding, every
      // copy of every event would make the generator, not the server, the bottleneck.
      if (!onMessage) return;
      if (wanted && !wanted.some((prefix) => head(data, prefix.length) === prefix)) return;
      onMessage(JSON.parse(data.toString()));
    });
    ws.on('error', reject);
  });

await Promise.all(
  input.cookies.map((cookie, index) =>
    open(
      `${wsUrl}/api/realtime?workspaceId=${input.workspaceId}`,
      { cookie },
      index !== 0
        ? null
        : (message) => {
            if (message.type !== 'event' || message.event.name !== 'message.created') return;
            const start = sentAt.get(message.event.payload.message.clientId);
            if (start === undefined) return;
            sentAt.delete(message.event.payload.message.clientId);
            samples.push({ sentAt: start, latency: performance.now() - start });
          },
    ),
  ),
);

let acked = 0;
const visitors = await Promise.all(
  Array.from({ length: input.visitors }, async (_, i) => {
    const res = await fetch(`${input.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey: input.widgetKey, visitorId: `open-loop-visitor-${i}` }),
    });
    const { token } = (await res.json()) as { token: string };
    return open(
      `${wsUrl}/api/realtime?visitorToken=${token}`,
      {},
      (message) => {
        if (message.type === 'ack') acked++;
      },
      ['{"type":"ack"'],
    );
  }),
);

// Warm-up: each visitor's first message opens its conversation (the full transaction).
let counter = 0;
const send = (ws: WebSocket, clientId: string) => {
  sentAt.set(clientId, performance.now());
  ws.send(JSON.stringify({ type: 'send', clientId, text: `open-loop message ${counter++}` }));
};
visitors.forEach((ws, v) => {
  send(ws, `open-warm-${v}`);
});
const warmDeadline = Date.now() + 60_000;
while (acked < visitors.length && Date.now() < warmDeadline) await new Promise((r) => setTimeout(r, 20));
await new Promise((r) => setTimeout(r, 500));

/** Sends at a fixed total rate for `duration` ms: every tick sends what is due by the clock, whatever came back. */
const sendAt = (rate: number, duration: number, tag: string) =>
  new Promise<number>((resolve) => {
    let sent = 0;
    const started = performance.now();
    const tick = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.floor((Math.min(elapsed, duration) / 1000) * rate) - sent;
      for (let i = 0; i < due; i++) {
        send(visitors[sent % visitors.length]!, `open-${tag}-${rate}-${sent}`);
        sent++;
      }
      if (elapsed >= duration) {
        clearInterval(tick);
        resolve(sent);
      }
    }, 5);
  });

/** Waits up to `ms` for `sent` messages of this round to reach the first operator. */
const delivered = async (sent: number, ms: number) => {
  const deadline = Date.now() + ms;
  while (samples.length < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

// Warm-up at the first rate, not measured: the socket path's code is compiled by V8 under load, and
// the server's and the database's caches fill, as in any process that has run for a while. Without
// it the first step's first half second was mostly over 50 ms, whatever its rate.
if (input.warmSeconds > 0 && input.rates.length > 0) {
  samples = [];
  const warmSent = await sendAt(input.rates[0]!, input.warmSeconds * 1000, 'warm');
  await delivered(warmSent, 3000);
  await new Promise((r) => setTimeout(r, 1000));
}

/** BENCH_OPEN_TIMELINE: when this process's own event loop stopped for over 25 ms (its GC, the scheduler). */
const stalls: { at: string; ms: number }[] = [];
if (timelineOn) {
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 25)
      stalls.push({
        at: new Date(performance.timeOrigin + last).toISOString().slice(11, 23),
        ms: now - last,
      });
    last = now;
  }, 5).unref();
}

const steps: { rate: number; sent: number; delivered: number; p50: number; p99: number }[] = [];
for (const rate of input.rates) {
  samples = [];
  sentAt.clear();
  const sent = await sendAt(rate, input.stepSeconds * 1000, String(steps.length));
  await delivered(sent, 3000);
  // What never arrived (within the drain time) counts as slower than anything measured.
  const missing = sent - samples.length;
  const sorted = [
    ...samples.map((s) => s.latency),
    ...Array.from({ length: missing }, () => NOT_DELIVERED),
  ].sort((a, b) => a - b);
  const step = {
    rate,
    sent,
    delivered: samples.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
  steps.push(step);
  const ms = (v: number) => (v >= NOT_DELIVERED ? 'not delivered' : `${v.toFixed(1)} ms`);
  console.error(
    `  open loop ${rate} msg/s: delivered ${step.delivered}/${sent}, p50 ${ms(step.p50)}, p99 ${ms(step.p99)}`,
  );
  if (timelineOn) {
    printSlowWindows(samples);
    for (const s of stalls.splice(0)) console.error(`    generator stalled ${s.ms.toFixed(0)} ms at ${s.at}`);
  }
  // BENCH_OPEN_ALL=1 runs every rate (to see where the path saturates), not only up to p99 50 ms.
  if (step.p99 >= 50 && !input.all) break;
  // Let the server settle before the next step.
  await new Promise((r) => setTimeout(r, 1000));
}
console.log(JSON.stringify({ steps }));
process.exit(0);
