/** What a failed call says to a person: the message, then what to do (the remedy) when there is one. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const remedy = (error as Error & { remedy?: unknown }).remedy;
    return typeof remedy === 'string' && remedy ? `${error.message} ${remedy}` : error.message;
  }
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
