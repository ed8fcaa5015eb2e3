export { DropZone, type DropZoneProps } from './DropZone';
export { useIsoDropClaim, type IsoDropClaim } from './claim';
