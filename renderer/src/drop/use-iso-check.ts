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
  | { step: 'confirm'; path: string; info: IsoInfo };

/**
 * A dropped file's check (inspectIso): a claim takes a good ISO at once, otherwise it waits for confirmation.
 * `close` drops the flow, and a check still under way is then ignored when it answers.
 */
export function useIsoCheck(claim: IsoDropClaim | undefined): {
  flow: DropFlow;
  check: (path: string) => void;
  take: (offer: DropOffer | null) => void;
  close: () => void;
} {
  const [flow, setFlow] = useState<DropFlow>({ step: 'idle' });
  const checkRun = useRef(0);

  const check = useCallback(
    (path: string) => {
      const bad = validateIsoPath(path);
      if (bad) {
        setFlow({ step: 'refused', message: bad });
        return;
      }
      if (claim?.onLocalFile) {
        setFlow({ step: 'idle' });
        claim.onLocalFile(path);
        return;
      }
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

  return { flow, check, take, close };
}
