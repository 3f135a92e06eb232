import type { TillpointBridge } from '../../shared/api';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a browser served by the headless host. */
    tillpoint?: TillpointBridge;
  }
}
