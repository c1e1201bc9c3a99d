// Uploaded images are recognised by their first bytes, never by their name or declared type.

// A phone photo straight from the camera: up to 20 MB and 36 megapixels (a 48 MP sensor saves
// 12 MP by default; the rare full-resolution shot is refused with a clear message, not a 5xx).
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
export const MAX_IMAGE_PIXELS = 36_000_000;

/** "40,0 triệu" — megapixels with one decimal (rounded up, so an image just over the limit never reads as at it), Vietnamese decimal comma. */
export const megapixels = (pixels: number) => `${(Math.ceil(pixels / 100_000) / 10).toFixed(1).replace(".", ",")} triệu`;

export type ImageType = { contentType: "image/jpeg" | "image/png" | "image/webp"; ext: "jpg" | "png" | "webp" };

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

export function sniffImage(head: Uint8Array): ImageType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { contentType: "image/jpeg", ext: "jpg" };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { contentType: "image/png", ext: "png" };
  // RIFF....WEBP
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) {
    return { contentType: "image/webp", ext: "webp" };
  }
  return null;
}
