import { useCallback, useRef, useState } from 'react';
import { validateIsoPath, type IsoInfo } from '@porthole/api';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/error-text';
import type { IsoDropClaim } from './claim';
import type { DropOffer } from './drop-data';

/** Where a dropped file is on its way: asked for its path, being checked, refused, or waiting for the go-ahead. */
export type DropFlow =
  | { step: 'idle' }
  | { step: 'ask-path'; name: string }
  | { step: 'checking'; path: string }
  | { step: 'refused'; message: string }
  | { step: 'confirm'; path: string; info: IsoInfo }
  /** A remote engine: the file of this computer is copied to its computer first, then checked there. */
  | { step: 'copy'; path: string; host: string };

/**
 * A dropped file's check (inspectIso): a claim takes a good ISO at once, otherwise it waits for confirmation.
 * `close` drops the flow, and a check still under way is then ignored when it answers.
 */
export function useIsoCheck(
  claim: IsoDropClaim | undefined,
  engineHost?: string,
): {
  flow: DropFlow;
  check: (path: string) => void;
  /** Checks a path on the engine's computer (after a copy there). */
  checkThere: (path: string) => void;
  take: (offer: DropOffer | null) => void;
  close: () => void;
} {
  const [flow, setFlow] = useState<DropFlow>({ step: 'idle' });
  const checkRun = useRef(0);

  const checkThere = useCallback(
    (path: string) => {
      const run = ++checkRun.current;
      setFlow({ step: 'checking', path });
      porthole()
        .inspectIso({ path })
        .then(
          (info) => {
            if (run !== checkRun.current) return;
            if (claim) {
              setFlow({ step: 'idle' });
              claim.onIso(path, info);
            } else setFlow({ step: 'confirm', path, info });
          },
          (e: unknown) => run === checkRun.current && setFlow({ step: 'refused', message: errorText(e) }),
        );
    },
    [claim],
  );

  // A file of this computer: a claim that copies takes it as it is; on a remote engine it is copied there first.
  const check = useCallback(
    (path: string) => {
      const bad = validateIsoPath(path);
      if (bad) setFlow({ step: 'refused', message: bad });
      else if (claim?.onLocalFile) {
        setFlow({ step: 'idle' });
        claim.onLocalFile(path);
      } else if (engineHost) setFlow({ step: 'copy', path, host: engineHost });
      else checkThere(path);
    },
    [claim, engineHost, checkThere],
  );

  const take = (offer: DropOffer | null): void => {
    if (!offer) return;
    if (offer.kind === 'refused') setFlow({ step: 'refused', message: offer.message });
    else if (offer.kind === 'name-only') setFlow({ step: 'ask-path', name: offer.name });
    else check(offer.path);
  };

  const close = (): void => {
    checkRun.current += 1;
    setFlow({ step: 'idle' });
  };

  return { flow, check, checkThere, take, close };
}
