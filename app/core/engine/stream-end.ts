/** Closes a stream from the engine (a following request, a pull); one that cannot be destroyed is left to end. */
export function destroyStream(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}

/**
 * Tells `onEnd` once when a following engine request (a log follow, the events) ends, closes or fails,
 * whichever comes first. The returned function stops following: a stop asked for is no end to tell.
 */
export function endedOnce(stream: NodeJS.ReadableStream, onEnd: (err?: Error) => void): () => void {
  let ended = false;
  const end = (err?: Error): void => {
    if (ended) return;
    ended = true;
    onEnd(err);
  };
  stream.on('end', () => end());
  stream.on('close', () => end());
  stream.on('error', (err: Error) => end(err));
  return () => {
    ended = true;
    destroyStream(stream);
  };
}
