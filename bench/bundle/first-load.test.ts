import { describe, expect, it } from 'vitest';
import { firstLoadScripts, kB } from './first-load';

describe('firstLoadScripts', () => {
  it('takes module scripts and modulepreloads, not stylesheets, once each, in order', () => {
    const html = `<head>
      <script type="module" crossorigin src="./assets/index-A.js"></script>
      <link rel="modulepreload" crossorigin href="./assets/drop-B.js">
      <link rel="stylesheet" crossorigin href="./assets/index-C.css">
      <link rel="modulepreload" href="./assets/drop-B.js">
    </head>`;
    expect(firstLoadScripts(html)).toEqual(['./assets/index-A.js', './assets/drop-B.js']);
  });

  it('finds nothing in a page without scripts', () => {
    expect(firstLoadScripts('<html><body>hi</body></html>')).toEqual([]);
  });
});

describe('kB', () => {
  it('reports kilobytes of 1000 bytes as Vite does', () => {
    expect(kB(1_286_880)).toBe(1286.88);
    expect(kB(0)).toBe(0);
  });
});
