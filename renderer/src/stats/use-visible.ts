import { useEffect, useState, type RefObject } from 'react';

/**
 * Whether an element is on screen: in the viewport (IntersectionObserver) and in a page that is
 * shown (not a hidden tab or a minimised window). What opens a stats stream and what closes it.
 * Without IntersectionObserver (a test DOM) nothing counts as visible: nothing is streamed.
 */
export function useVisible(ref: RefObject<Element | null>): boolean {
  const [inView, setInView] = useState(false);
  const [pageShown, setPageShown] = useState(
    () => typeof document === 'undefined' || document.visibilityState === 'visible',
  );

  useEffect(() => {
    const onVisibility = (): void => setPageShown(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) setInView(entry.isIntersecting);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);

  return inView && pageShown;
}
