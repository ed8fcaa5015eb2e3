export { formatBytes as formatSize } from '../../app/format';
