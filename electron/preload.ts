// Runs in the sandboxed renderer before the page: exposes the typed API as window.tillpoint and nothing
// else (never ipcRenderer itself). Bundled into one CommonJS file, as sandboxed preloads can only require
// 'electron'.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './shell/bridge';

contextBridge.exposeInMainWorld('tillpoint', createBridge(ipcRenderer));
