/** Vite builds an imported worker (here the AudioWorklet) as its own script and gives its URL. */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
