import { createCanvas, loadImage } from '@napi-rs/canvas'

export interface DecodedPng {
  width: number
  height: number
  /** Colour type from the IHDR chunk, read from the bytes rather than from the decoder. */
  colorType: number
  pixel(x: number, y: number): [number, number, number, number]
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Decodes a PNG with Skia's decoder and checks the header bytes by hand. */
export async function decodePng(png: Buffer): Promise<DecodedPng> {
  if (!PNG_SIGNATURE.every((byte, i) => png[i] === byte)) throw new Error('not a PNG signature')
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('first chunk is not IHDR')
  const headerWidth = png.readUInt32BE(16)
  const headerHeight = png.readUInt32BE(20)
  const image = await loadImage(png)
  if (image.width !== headerWidth || image.height !== headerHeight) throw new Error('decoder disagrees with IHDR')
  const canvas = createCanvas(image.width, image.height)
  const ctx = canvas.getContext('2d')
  ctx.drawImage(image, 0, 0)
  const { data } = ctx.getImageData(0, 0, image.width, image.height)
  return {
    width: headerWidth,
    height: headerHeight,
    colorType: png[25] ?? -1,
    pixel(x, y) {
      const i = (Math.floor(y) * image.width + Math.floor(x)) * 4
      return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0]
    },
  }
}

/** WCAG relative luminance of an sRGB pixel, 0 (black) … 1 (white). */
export function luminance([r, g, b]: readonly number[]): number {
  const linear = (c: number) => {
    const v = c / 255
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * linear(r ?? 0) + 0.7152 * linear(g ?? 0) + 0.0722 * linear(b ?? 0)
}

export function rgbOfHex(hex: string): [number, number, number] {
  return [Number.parseInt(hex.slice(1, 3), 16), Number.parseInt(hex.slice(3, 5), 16), Number.parseInt(hex.slice(5, 7), 16)]
}

/** Pixels in the rectangle that differ from `background` by more than `tolerance` in any channel. */
export function countDifferent(
  image: DecodedPng,
  box: { left: number; top: number; right: number; bottom: number },
  background: readonly number[],
  tolerance = 8,
): number {
  let count = 0
  for (let y = box.top; y < box.bottom; y++) {
    for (let x = box.left; x < box.right; x++) {
      const p = image.pixel(x, y)
      if (p.slice(0, 3).some((c, i) => Math.abs(c - (background[i] ?? 0)) > tolerance)) count++
    }
  }
  return count
}
