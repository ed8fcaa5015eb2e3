// The one set of esbuild options for the plain-Node bundles that are not the app's own entry points
// (benchmarks, test helpers): Node 20 cannot run TypeScript, so these are bundled into one ES module
// with the dependencies left as imports of node_modules.
import { build } from 'esbuild';

/**
 * Bundles TypeScript for Node 20. `options` are esbuild's (entryPoints with outfile or outdir, at
 * least); they are laid over the shared defaults.
 * @param {import('esbuild').BuildOptions} options
 */
export function bundleNode(options) {
  return build({
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    ...options,
  });
}
