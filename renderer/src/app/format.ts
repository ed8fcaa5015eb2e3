export { formatBytes } from '@porthole/api/bytes';
