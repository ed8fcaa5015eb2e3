const GIB = 1024 ** 3;

/**
 * The memory graph's numbers: what the machine holds now against its size, both in the GB its
 * settings count (binary, as RAM_SIZE reads them), so a full 8 GB machine reads "8.0 GB of 8 GB".
 * With memory given back (BALLOONING=Y) the first number falls below the size.
 */
export function memoryNow(memBytes: number, ramGiB: number): string {
  const now = memBytes / GIB;
  const text = now < 0.1 ? `${Math.round(memBytes / 1024 ** 2)} MB` : `${now.toFixed(1)} GB`;
  return `${text} of ${ramGiB} GB`;
}

/** The graph's least top: the machine's size, so its line is drawn against it. */
export function memoryFloor(ramGiB: number): number {
  return ramGiB * GIB;
}
