// Preloaded into the web host by the benchmarks (`node --import <this> out/node/web.js`): writes one JSON
// line to $PORTHOLE_BENCH_TAP for every socket the process connects (unix or TCP, whatever client made
// it: dockerode, fetch, ws, a probe of /var/run/docker.sock) and every child process it spawns. It only
// records and then does what was asked. Over the IPC channel it answers {usage} with the process's own
// CPU time and memory figures.
import { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { subscribe } from 'node:diagnostics_channel';
import { Socket } from 'node:net';

const file = process.env.PORTHOLE_BENCH_TAP;

/** Where a Socket#connect call goes, from any of its call shapes (net.connect passes its arguments normalized, as an array). */
function target(args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'string') return `unix:${first}`;
  if (typeof first === 'number') return `tcp:${typeof args[1] === 'string' ? args[1] : 'localhost'}:${first}`;
  if (first && typeof first === 'object') {
    if (first.path) return `unix:${first.path}`;
    return `tcp:${first.host ?? 'localhost'}:${first.port}`;
  }
  return 'unknown';
}

function record(entry) {
  if (file) appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...entry })}\n`);
}

if (file) {
  const connect = Socket.prototype.connect;
  Socket.prototype.connect = function tappedConnect(...args) {
    record({ kind: 'connect', target: target(args) });
    return connect.apply(this, args);
  };
  // Every HTTP request the process makes, with where in Porthole it came from (the engine's counting proxy
  // sees a request, not its caller): a request in an idle window can be traced to its cause.
  subscribe('http.client.request.start', ({ request }) => {
    const stack = (new Error().stack ?? '')
      .split('\n')
      .filter((line) => /\/(app|out\/node)\//.test(line))
      .slice(0, 8)
      .map((line) => line.trim());
    record({ kind: 'http', target: `${request.method} ${request.path}`, stack });
  });
  const spawn = ChildProcess.prototype.spawn;
  ChildProcess.prototype.spawn = function tappedSpawn(options) {
    record({ kind: 'spawn', target: [options?.file, ...(options?.args ?? []).slice(1)].join(' ') });
    return spawn.call(this, options);
  };
}

if (process.send) {
  process.on('message', (message) => {
    if (message === 'usage') process.send({ usage: { cpu: process.cpuUsage(), memory: process.memoryUsage() } });
  });
  // The channel must not keep the host alive, nor change how it stops.
  process.channel?.unref();
}
