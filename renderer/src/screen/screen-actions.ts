import { useEffect, useEffectEvent, useRef, useState, type RefObject } from 'react';
import { screenshotFileName } from '@porthole/api';
import { typeText } from './chords';
import type { ScreenConnection } from './screen-connection';
import { captureScreenshot, downloadBlob } from './screenshot';
import { describeTyping } from './typing-report';

const NOTICE_MS = 8000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The screen's one-line notice, cleared after a while. */
export function useNotice(): [string | null, (notice: string | null) => void] {
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (notice === null) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  return [notice, setNotice];
}

/** F11 is the screen's, not Windows': caught before noVNC's keyboard handler on the canvas does. */
export function useF11(containerRef: RefObject<HTMLElement | null>, toggle: () => void): void {
  const toggleFullscreen = useEffectEvent(() => toggle());
  useEffect(() => {
    const container = containerRef.current!;
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key !== 'F11' || event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      event.stopPropagation();
      toggleFullscreen();
    };
    container.addEventListener('keydown', onKeyDown, true);
    return () => container.removeEventListener('keydown', onKeyDown, true);
  }, [containerRef]);
}

interface ActionOptions {
  connection: ScreenConnection;
  clipboardText: string | null;
  machineName: string;
  readClipboard?: () => Promise<string>;
  writeClipboard?: (text: string) => Promise<void> | void;
  onScreenshot?: (png: Blob) => void;
  setNotice(notice: string | null): void;
}

/** Paste (typed into Windows, stoppable), copy from Windows, and screenshots. */
export function useScreenActions(options: ActionOptions) {
  const { connection, clipboardText, machineName, readClipboard, writeClipboard, onScreenshot, setNotice } = options;
  const typingRef = useRef<AbortController | null>(null);
  const [pasting, setPasting] = useState(false);

  // Stop typing when the screen goes away.
  useEffect(() => {
    const typing = typingRef;
    return () => typing.current?.abort();
  }, []);

  const paste = async (): Promise<void> => {
    if (!readClipboard) return;
    const typing = new AbortController();
    typingRef.current = typing;
    setPasting(true);
    try {
      let text: string;
      try {
        text = await readClipboard();
      } catch (error) {
        setNotice(`Could not read the clipboard: ${errorText(error)}`);
        return;
      }
      const rfb = connection.rfb;
      if (text === '') setNotice('The clipboard holds no text to paste.');
      else if (!rfb) setNotice('The screen disconnected before typing could start.');
      else if (!typing.signal.aborted) setNotice(describeTyping(await typeText(rfb, text, { signal: typing.signal })));
    } finally {
      if (typingRef.current === typing) typingRef.current = null;
      setPasting(false);
      connection.focus();
    }
  };

  const stopTyping = (): void => typingRef.current?.abort();

  const copy = async (): Promise<void> => {
    const text = clipboardText;
    if (text === null || !writeClipboard) return;
    try {
      await writeClipboard(text);
      setNotice(`Copied ${text.length} character${text.length === 1 ? '' : 's'} from Windows.`);
    } catch (error) {
      setNotice(`Could not copy from Windows: ${errorText(error)}`);
    }
  };

  const screenshot = async (): Promise<void> => {
    const rfb = connection.rfb;
    if (!rfb) return;
    try {
      const png = await captureScreenshot(rfb);
      if (onScreenshot) {
        onScreenshot(png);
      } else {
        const fileName = screenshotFileName(machineName, new Date());
        downloadBlob(png, fileName);
        setNotice(`Screenshot saved as “${fileName}”.`);
      }
    } catch (error) {
      setNotice(`Could not take a screenshot: ${errorText(error)}`);
    } finally {
      connection.focus();
    }
  };

  return { pasting, paste, stopTyping, copy, screenshot };
}
