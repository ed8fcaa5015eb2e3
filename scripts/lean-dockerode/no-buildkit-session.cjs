// Stands in for dockerode's lib/session.js in Porthole's bundles (see plugin.mjs): BuildKit sessions
// need gRPC, which Porthole leaves out because it never builds images.
module.exports = function withSession() {
  throw new Error('Porthole is built without BuildKit sessions (dockerode lib/session.js): it never builds images.');
};
