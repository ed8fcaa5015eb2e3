export { Screen, type ScreenProps } from './Screen';
export type { ScreenState } from './screen-connection';
export type { ViewMode } from './view-mode';
