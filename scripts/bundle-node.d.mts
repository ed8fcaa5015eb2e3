import type { BuildOptions, BuildResult } from 'esbuild';

/** Bundles TypeScript for Node 20 (ESM, dependencies external); `options` are laid over the shared defaults. */
export function bundleNode(options: BuildOptions): Promise<BuildResult>;

/** As bundleNode, for a shipped entry point: dockerode inside, without the clients Porthole never uses. */
export function bundleNodeApp(options: BuildOptions): Promise<BuildResult>;
