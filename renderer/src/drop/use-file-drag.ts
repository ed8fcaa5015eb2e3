import { useRef, useState, type DragEvent } from 'react';
import { carriesFiles } from './drop-data';

const fileDrag = (e: DragEvent): boolean => carriesFiles(Array.from(e.dataTransfer?.types ?? []));

/**
 * Whether files are being dragged over the element (counted through its children's enter/leave pairs), and the
 * handlers that track it. Only file drags count; a drop of files goes to `onFiles`, never to the browser.
 */
export function useFileDrag(onFiles: (data: DataTransfer) => void): {
  dragging: boolean;
  handlers: {
    onDragEnter: (e: DragEvent) => void;
    onDragOver: (e: DragEvent) => void;
    onDragLeave: (e: DragEvent) => void;
    onDrop: (e: DragEvent) => void;
  };
} {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);

  const onDragEnter = (e: DragEvent): void => {
    if (!fileDrag(e)) return;
    e.preventDefault();
    depth.current += 1;
    setDragging(true);
  };
  const onDragOver = (e: DragEvent): void => {
    if (!fileDrag(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    if (!dragging) setDragging(true);
  };
  const onDragLeave = (e: DragEvent): void => {
    if (!fileDrag(e)) return;
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  const onDrop = (e: DragEvent): void => {
    depth.current = 0;
    setDragging(false);
    if (!fileDrag(e)) return;
    // Never let the browser open the file in place of the page.
    e.preventDefault();
    e.stopPropagation();
    onFiles(e.dataTransfer);
  };

  return { dragging, handlers: { onDragEnter, onDragOver, onDragLeave, onDrop } };
}
