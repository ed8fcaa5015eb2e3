export { checkHost } from './check';
export type { HostCheckOptions } from './context';
export {
  apiAtLeast,
  findEngineCandidates,
  MIN_DOCKER_API,
  resolveEngineEndpoint,
  type EngineCandidate,
  type EngineEndpoint,
  type EngineKind,
  type EngineSource,
} from './engine';
export { formatHostReport } from './format';
export { DEFAULT_DISK_BYTES, MIN_RAM_BYTES, minimumDiskBytesFor } from './resources';
export { watchHost, type WatchHostOptions } from './watch';
