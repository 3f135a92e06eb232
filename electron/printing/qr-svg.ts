// A QR code as inline SVG markup, for the HTML receipt. qrcode.react is already what the renderer draws its
// payment QRs with (a production dependency, unlike the `qrcode` package, which is only here as a dev
// dependency's dependency), and react-dom/server turns its component into a string without a browser.

import { QRCodeSVG } from 'qrcode.react';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

export function qrSvg(payload: string, sizePx = 128): string {
  return renderToStaticMarkup(createElement(QRCodeSVG, { value: payload, size: sizePx, level: 'M', marginSize: 2 }));
}
