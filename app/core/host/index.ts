export { checkHost } from './check';
export type { HostCheckOptions } from './context';
export {
  findEngineCandidates,
  MIN_DOCKER_API,
  type EngineCandidate,
  type EngineEndpoint,
  type EngineKind,
  type EngineSource,
} from './engine-candidates';
export { apiAtLeast, resolveEngineEndpoint } from './engine-probe';
export { formatHostReport } from './report-text';
export { DEFAULT_DISK_BYTES, MIN_RAM_BYTES, minimumDiskBytesFor } from './resources';
export { watchHost, type WatchHostOptions } from './watch';
