// Stands in for docker-modem's lib/ssh.js in Porthole's bundles (see plugin.mjs): Porthole reaches an
// ssh:// engine with the user's own ssh (app/core/engine/ssh.ts), never with docker-modem's ssh2 client.
module.exports = function ssh2Agent() {
  throw new Error(
    "Porthole is built without docker-modem's ssh2 client: ssh:// engines go through the system's ssh (app/core/engine/ssh.ts).",
  );
};
