import { useCallback, useEffect, useState } from 'react';
import { porthole } from '../api/porthole';

/**
 * The address of the machine's screen, asked of the backend again whenever the web port changes (re-chosen at
 * start if it was taken), and `via`: how it is reached when it is not plainly this computer's port (an ssh
 * forward, another computer's loopback), and `audio`: the machine's sound stream when its sound is on.
 */
export function useScreenEndpoint(
  id: string | undefined,
  webPort: number | undefined,
): { endpoint: string | null; audio: string | null; via: string | null; requestEndpoint: () => void } {
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [audio, setAudio] = useState<string | null>(null);
  const [via, setVia] = useState<string | null>(null);
  const requestEndpoint = useCallback(() => {
    if (!id) return;
    porthole()
      .screenEndpoint({ id })
      .then(
        (r) => {
          setEndpoint(r.url);
          setAudio(r.audio ?? null);
          setVia(r.note ?? null);
        },
        () => {
          setEndpoint(null);
          setAudio(null);
        },
      );
  }, [id]);
  useEffect(requestEndpoint, [requestEndpoint, webPort]);
  return { endpoint, audio, via, requestEndpoint };
}
