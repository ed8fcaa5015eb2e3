// dockerode loads, when it is imported, two clients Porthole never uses: gRPC with its protobuf loader
// (dockerode's ./session, for BuildKit builds; Porthole pulls images, it never builds) and ssh2
// (docker-modem's ./ssh, for DOCKER_HOST=ssh://; Porthole reaches an ssh engine with the user's own
// ssh, app/core/engine/ssh.ts). Together about 13 MB of the web host's resident memory (bench/memory).
// This esbuild plugin bundles dockerode and docker-modem into the plain-Node entry points with those two
// modules replaced by stubs that say so if ever called; every other dependency stays an import.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** A module inside dockerode's or docker-modem's own lib folder. */
const INSIDE = /[\\/]node_modules[\\/](dockerode|docker-modem)[\\/]lib[\\/]/;

/** @returns {import('esbuild').Plugin} */
export function leanDockerode() {
  return {
    name: 'lean-dockerode',
    setup(build) {
      // Bundled rather than imported, so that the two requires below can be replaced.
      build.onResolve({ filter: /^(dockerode|docker-modem)$/ }, (args) => ({ path: require.resolve(args.path) }));
      build.onResolve({ filter: /^\.\/(session|ssh|buildkit)$/ }, (args) => {
        if (!INSIDE.test(args.importer)) return undefined;
        const name = args.path.slice(2);
        if (name === 'session' && /dockerode/.test(args.importer))
          return { path: join(here, 'no-buildkit-session.cjs') };
        if (name === 'ssh' && /docker-modem/.test(args.importer)) return { path: join(here, 'no-ssh2.cjs') };
        // followProgress's helper reads its .proto files next to itself: it stays in node_modules, loaded when called.
        if (name === 'buildkit' && /dockerode/.test(args.importer))
          return { path: 'dockerode/lib/buildkit.js', external: true };
        return undefined;
      });
    },
  };
}

/**
 * The bundled CommonJS of dockerode calls require() for Node's modules and its other dependencies: an
 * ES module has none, so the bundle makes one first.
 */
export const REQUIRE_BANNER =
  "import { createRequire as __portholeCreateRequire } from 'node:module';\nconst require = __portholeCreateRequire(import.meta.url);";
