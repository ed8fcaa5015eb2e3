// The floor of the memory benchmark: a bare Node process that holds what any engine-watching app must,
// a dockerode client with the engine's event stream and a followed log of each container open, reading
// them and doing nothing else. Usage: node floor.mjs <engine socket> <container id>...
import Docker from 'dockerode';

const [socketPath, ...ids] = process.argv.slice(2);
const docker = new Docker({ socketPath });
let bytes = 0;
const read = (stream) => stream.on('data', (chunk) => (bytes += chunk.length));
read(await docker.getEvents());
for (const id of ids) read(await docker.getContainer(id).logs({ follow: true, stdout: true, stderr: true, tail: 500 }));
process.stdout.write('floor: streams open\n');
