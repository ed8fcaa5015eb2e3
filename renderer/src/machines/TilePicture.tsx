import { useEffect, useRef, useState } from 'react';
import { canShowScreen, type MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { Thumbnail } from '../screen/Thumbnail';

/** A frame kept this often while the machine runs: the stopped tile shows the latest (dimmed). */
const SAVE_EVERY_MS = 15_000;

/** Whether a drawn picture shows anything (a black canvas before the first frame is not worth keeping). */
function hasPicture(canvas: HTMLCanvasElement): boolean {
  const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
  if (!data) return false;
  for (let i = 0; i < data.length; i += 4 * 37) if (data[i]! + data[i + 1]! + data[i + 2]! > 60) return true;
  return false;
}

/**
 * The top of a tile: the live picture of a running machine's screen, or, once it has stopped, the last
 * one kept (dimmed), or an empty screen. The whole picture is one button: a click (or Enter) opens the
 * screen when there is one, else the machine's page.
 */
export function TilePicture({
  machine,
  onOpen,
  size = 'tile',
}: {
  machine: MachineView;
  onOpen: () => void;
  size?: 'tile' | 'page';
}) {
  const { status } = machine;
  const live = canShowScreen(status);
  const lastSaved = useRef(0);
  const keep = status.phase !== 'stopping' && status.phase !== 'failed';

  const onFrame = (canvas: HTMLCanvasElement): void => {
    const now = Date.now();
    if (!keep || now - lastSaved.current < SAVE_EVERY_MS || !hasPicture(canvas)) return;
    lastSaved.current = now;
    const png = canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
    porthole()
      .saveLastFrame({ id: machine.id, png })
      .catch(() => undefined);
  };

  const picture = live ? (
    <Thumbnail id={machine.id} onFrame={onFrame} large={size === 'page'} />
  ) : (
    <LastFrame id={machine.id} running={status.running} />
  );
  const className = `tile-picture tile-picture-${size}${live ? ' tile-picture-live' : ''}`;
  // On the machine's own page a stopped picture leads nowhere else: it is only a picture.
  if (!live && size === 'page') {
    return (
      <div className={className} data-testid="tile-picture">
        {picture}
      </div>
    );
  }
  return (
    <button
      type="button"
      className={className}
      aria-label={live ? `Open the screen of ${machine.name}` : `Open ${machine.name}`}
      data-testid="tile-picture"
      onClick={onOpen}
    >
      {picture}
    </button>
  );
}

/** The kept picture, asked for again whenever the machine stops (its newest frame was kept while it ran). */
function LastFrame({ id, running }: { id: string; running: boolean }) {
  const [png, setPng] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    porthole()
      .lastFrame({ id })
      .then(
        (r) => live && setPng(r.png),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [id, running]);
  return png ? (
    <img className="tile-last-frame" data-testid="last-frame" src={`data:image/png;base64,${png}`} alt="" />
  ) : (
    <span className="tile-no-frame" data-testid="no-frame" aria-hidden="true">
      <svg viewBox="0 0 24 24" width="40" height="40" fill="none" stroke="currentColor" strokeWidth="1.5">
        <rect x="3" y="4" width="18" height="12" rx="1.5" />
        <path d="M8 20h8M12 16v4" />
      </svg>
    </span>
  );
}
