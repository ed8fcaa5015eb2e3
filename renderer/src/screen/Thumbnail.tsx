import { useEffect, useRef, useState } from 'react';
import { porthole } from '../api/porthole';
import { useVisible } from '../stats/use-visible';
import { thumbnails, type ThumbnailHub } from './thumbnail';
import './thumbnail.css';

/** About once a second, as GNOME Boxes does: alive, yet cheap. */
const REFRESH_MS = 1000;
/** The tile's picture, 16:10 like Windows' default desktop; CSS scales it to the tile's width. */
const BASE_WIDTH = 320;
const BASE_HEIGHT = 200;

/**
 * A small live picture of a running machine's screen on its card. Connects only while the card is
 * on screen (in view, page shown); scrolled away or hidden, its lease is released.
 */
export function Thumbnail({
  id,
  hub = thumbnails,
  onFrame,
  large = false,
}: {
  id: string;
  hub?: ThumbnailHub;
  onFrame?: (canvas: HTMLCanvasElement) => void;
  /** Drawn at twice the size (the machine page's picture is wider than a tile's). */
  large?: boolean;
}) {
  const scaleUp = large ? 2 : 1;
  const WIDTH = BASE_WIDTH * scaleUp;
  const HEIGHT = BASE_HEIGHT * scaleUp;
  const frameListener = useRef(onFrame);
  useEffect(() => {
    frameListener.current = onFrame;
  });
  const ref = useRef<HTMLCanvasElement>(null);
  const visible = useVisible(ref);
  const [url, setUrl] = useState<string | null>(null);

  useEffect(() => {
    if (!visible) return;
    let live = true;
    porthole()
      .screenEndpoint({ id })
      .then(
        (r) => live && setUrl(r.url),
        () => live && setUrl(null),
      );
    return () => {
      live = false;
    };
  }, [id, visible]);

  useEffect(() => {
    if (!visible || url === null) return;
    const lease = hub.acquire(id, url);
    // noVNC has no public "frame drawn" event: a copy every second is the refresh itself, not a wait.
    const copy = (): void => {
      const from = lease.source();
      const to = ref.current?.getContext('2d');
      if (!from || !to || from.width === 0 || from.height === 0) return;
      // The whole screen, its shape kept (text mode is wider than Windows' desktop), on black.
      const scale = Math.min(WIDTH / from.width, HEIGHT / from.height);
      const w = Math.round(from.width * scale);
      const h = Math.round(from.height * scale);
      to.fillStyle = '#000';
      to.fillRect(0, 0, WIDTH, HEIGHT);
      to.imageSmoothingEnabled = true;
      to.imageSmoothingQuality = 'high';
      to.drawImage(from, Math.round((WIDTH - w) / 2), Math.round((HEIGHT - h) / 2), w, h);
      // Where the picture came from: this page's own connection, or a screen open in another page.
      ref.current?.setAttribute('data-source', from instanceof HTMLCanvasElement ? 'own' : 'screen');
      if (ref.current) frameListener.current?.(ref.current);
    };
    // At once (a connection that lingered from the card before has a picture already), then every second.
    copy();
    const timer = setInterval(copy, REFRESH_MS);
    return () => {
      clearInterval(timer);
      lease.release();
    };
  }, [hub, id, url, visible, WIDTH, HEIGHT]);

  return (
    <canvas
      ref={ref}
      className="machine-thumbnail"
      data-testid="thumbnail"
      width={WIDTH}
      height={HEIGHT}
      aria-hidden="true"
    />
  );
}
