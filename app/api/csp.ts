/**
 * The page's one Content-Security-Policy: self, plus the screens' loopback websockets (noVNC).
 * The Electron shell (app/main/window.ts) and the web host (app/web/static.ts) send it as a header;
 * the build writes it into renderer/index.html's meta tag (electron.vite.config.ts).
 */
const DIRECTIVES = [
  "default-src 'self'",
  "connect-src 'self' ws://127.0.0.1:*",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
] as const;

export const CONTENT_SECURITY_POLICY = DIRECTIVES.join('; ');

/** The policy a meta tag carries: a browser ignores frame-ancestors there (a header only). */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ');

/** What renderer/index.html holds where the meta tag's policy goes. */
export const CSP_PLACEHOLDER = '__PORTHOLE_CONTENT_SECURITY_POLICY__';

/** renderer/index.html with its policy written in (the Vite build's transformIndexHtml). */
export function withContentSecurityPolicy(html: string): string {
  if (!html.includes(CSP_PLACEHOLDER))
    throw new Error(`renderer/index.html has no ${CSP_PLACEHOLDER} for its Content-Security-Policy.`);
  return html.replaceAll(CSP_PLACEHOLDER, META_CONTENT_SECURITY_POLICY);
}
