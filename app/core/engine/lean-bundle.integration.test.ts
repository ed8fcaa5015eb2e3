import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleNode, bundleNodeApp } from '../../../scripts/bundle-node.mjs';

const run = promisify(execFile);
const OUT = resolve('out/it-lean-bundle');
const PROBE = resolve('app/core/testing/lean-bundle-probe.ts');

interface ProbeReport {
  containers: number;
  events: boolean;
  packages: string[];
}

async function probe(bundle: typeof bundleNode, name: string): Promise<ProbeReport> {
  const outfile = join(OUT, `${name}.mjs`);
  await bundle({ entryPoints: [PROBE], outfile });
  const { stdout } = await run(process.execPath, [outfile], { env: process.env, timeout: 60_000 });
  return JSON.parse(stdout) as ProbeReport;
}

/**
 * The shipped Node bundles (the web host, the CLI) carry dockerode without gRPC and ssh2, which it loads
 * on import though Porthole never uses them (about 13 MB of the web host's memory, bench/memory). The
 * engine must still answer through it: ping, a list, the event stream.
 */
describe("the shipped bundles' engine client, without dockerode's unused clients", () => {
  afterAll(() => rm(OUT, { recursive: true, force: true }));

  it('talks to the real engine and never loads ssh2, gRPC or protobufjs', async () => {
    const lean = await probe(bundleNodeApp, 'lean');
    expect(lean.events).toBe(true);
    expect(lean.containers).toBeGreaterThanOrEqual(0);
    expect(lean.packages).not.toContain('ssh2');
    expect(lean.packages).not.toContain('@grpc/grpc-js');
    expect(lean.packages).not.toContain('@grpc/proto-loader');
    expect(lean.packages).not.toContain('protobufjs');
  });

  it('the probe sees them where dockerode is imported as it is (so the check above can fail)', async () => {
    const plain = await probe(bundleNode, 'plain');
    expect(plain.events).toBe(true);
    expect(plain.packages).toEqual(expect.arrayContaining(['dockerode', 'ssh2', '@grpc/grpc-js']));
  });
});
