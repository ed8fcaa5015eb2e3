import { useCallback, useEffect, useState, type RefObject } from 'react';

export interface Fullscreen {
  /** The element is the document's fullscreen element. */
  active: boolean;
  /** The Fullscreen API is available and allowed here. */
  supported: boolean;
  toggle(): void;
  exit(): void;
}

/** Fullscreen for one element through the Fullscreen API; `onError` hears why a request was refused. */
export function useFullscreen(ref: RefObject<HTMLElement | null>, onError?: (message: string) => void): Fullscreen {
  const [active, setActive] = useState(false);
  const supported = typeof document !== 'undefined' && document.fullscreenEnabled === true;

  useEffect(() => {
    const onChange = (): void => setActive(ref.current !== null && document.fullscreenElement === ref.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, [ref]);

  const exit = useCallback((): void => {
    if (document.fullscreenElement && document.fullscreenElement === ref.current) {
      document.exitFullscreen().catch(() => undefined);
    }
  }, [ref]);

  const toggle = useCallback((): void => {
    const element = ref.current;
    if (!element) return;
    if (document.fullscreenElement === element) {
      exit();
      return;
    }
    if (!supported) {
      onError?.('Fullscreen is not available here.');
      return;
    }
    element.requestFullscreen().catch((error: unknown) => {
      onError?.(`Could not go fullscreen: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, [ref, exit, supported, onError]);

  return { active, supported, toggle, exit };
}
