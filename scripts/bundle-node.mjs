// The one set of esbuild options for Porthole's plain-Node bundles: Node 20 cannot run TypeScript, so the
// sources are bundled into one ES module with the dependencies left as imports of node_modules.
import { build } from 'esbuild';
import { leanDockerode, REQUIRE_BANNER } from './lean-dockerode/plugin.mjs';

const DEFAULTS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
};

/**
 * Bundles TypeScript for Node 20 (benchmarks, test helpers). `options` are esbuild's (entryPoints with
 * outfile or outdir, at least); they are laid over the shared defaults.
 * @param {import('esbuild').BuildOptions} options
 */
export function bundleNode(options) {
  return build({ ...DEFAULTS, ...options });
}

/**
 * Bundles a shipped entry point (the CLI, the web host): as bundleNode, with dockerode carried inside
 * without the clients Porthole never uses (lean-dockerode/plugin.mjs). A `banner.js` goes first (a #! line).
 * @param {import('esbuild').BuildOptions} options
 */
export function bundleNodeApp(options) {
  const first = options.banner?.js ? `${options.banner.js}\n` : '';
  return build({
    ...DEFAULTS,
    ...options,
    banner: { ...options.banner, js: `${first}${REQUIRE_BANNER}` },
    plugins: [leanDockerode(), ...(options.plugins ?? [])],
  });
}
