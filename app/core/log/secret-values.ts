/** Every string held under a key named `password` in a request or a response (a few levels down). */
export function secretsOf(value: unknown, depth = 0): string[] {
  if (depth > 6 || typeof value !== 'object' || value === null) return [];
  const found: string[] = [];
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (/password/i.test(key) && typeof inner === 'string' && inner) found.push(inner);
    else found.push(...secretsOf(inner, depth + 1));
  }
  return found;
}
