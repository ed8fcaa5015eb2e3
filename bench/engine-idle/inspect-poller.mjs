// The baseline of the engine-idle benchmark, in a process of its own so that its CPU time can be read
// like the web host's: what an app without the engine's event stream does, inspect every watched
// container once a second. Usage: node inspect-poller.mjs <engine socket> <container id>...
import Docker from 'dockerode';

const [socketPath, ...ids] = process.argv.slice(2);
const docker = new Docker({ socketPath });
setInterval(() => {
  for (const id of ids)
    void docker
      .getContainer(id)
      .inspect()
      .catch(() => undefined);
}, 1000);
