// Reads a QR code the way a customer's phone camera does: from the pixels on the screen, not from the DOM.
import type { Locator, Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Decodes the one QR code visible in a PNG; throws when there is none. */
export function decodeQrPng(png: Buffer): string {
  const image = PNG.sync.read(png);
  const found = jsQR(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
    image.width,
    image.height,
  );
  if (!found) throw new Error(`No QR code found in a ${image.width}x${image.height} screenshot`);
  return found.data;
}

/** Screenshots the page (or one element of it) and decodes the QR code in the picture. */
export async function scanQrOnScreen(target: Page | Locator): Promise<string> {
  return decodeQrPng(await target.screenshot());
}
