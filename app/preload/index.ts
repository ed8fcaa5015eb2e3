import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge } from './bridge';
import { BRIDGE_KEY } from '../api';

// Runs sandboxed with context isolation: the page sees only what createBridge returns.
contextBridge.exposeInMainWorld(
  BRIDGE_KEY,
  createBridge({
    ipc: {
      invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
      on: (channel, listener) => ipcRenderer.on(channel, listener),
    },
    getPathForFile: (file) => webUtils.getPathForFile(file),
  }),
);
