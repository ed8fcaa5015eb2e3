// Bundled by lean-bundle.integration.test.ts as the shipped entry points are: talks to the engine the
// way Porthole does (EngineClient on DOCKER_HOST, or the local socket), then prints what it reached and
// which of dockerode's optional clients Node loaded (their files in the CommonJS module cache).
import { createRequire } from 'node:module';
import { EngineClient } from '../engine/client';
import { targetFromEnv } from '../engine/target';

const client = new EngineClient(targetFromEnv(process.env));
await client.ping();
const containers = (await client.listAll()).length;
let events = false;
const stop = await client.events(
  () => undefined,
  () => undefined,
);
events = true;
stop();
const loaded = Object.keys(createRequire(import.meta.url).cache)
  .map((file) => /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file)?.[1])
  .filter((name): name is string => Boolean(name));
process.stdout.write(JSON.stringify({ containers, events, packages: [...new Set(loaded)].sort() }));
