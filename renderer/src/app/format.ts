export { formatBytes } from '../../../app/api/bytes';
