import { correction, generate } from 'lean-qr/nano';
import type { Qr } from './two-fa-steps.ts';

/**
 * Loaded on first use (2FA setup), so the QR encoder costs the other pages nothing.
 *
 * The QR code of `text` as one SVG path, drawn in the browser (lean-qr's nano build, no service).
 * Dark modules on a white quiet zone whatever the theme: scanners need the contrast.
 */
export function qrPath(text: string): Qr {
  const code = generate(text, { minCorrectionLevel: correction.M });
  const parts: string[] = [];
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) {
      if (code.get(x, y)) parts.push(`M${x + 4} ${y + 4}h1v1h-1z`);
    }
  }
  return { size: code.size + 8, path: parts.join('') };
}
