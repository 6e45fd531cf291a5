import { type Canvas, createCanvas } from '@napi-rs/canvas'

const canvases = new Map<string, Canvas>()

/**
 * A canvas of this size with the context in its initial state, to be drawn over in full and
 * encoded before the caller returns. Charts are drawn synchronously, one at a time, so one
 * canvas per size serves them all and spares a 1.4 MB surface (allocated and zeroed) per chart.
 */
export function chartCanvas(width: number, height: number): Canvas {
  const key = `${width}x${height}`
  let canvas = canvases.get(key)
  if (!canvas) {
    canvas = createCanvas(width, height)
    canvas.getContext('2d').save()
    canvases.set(key, canvas)
  }
  const ctx = canvas.getContext('2d')
  // Back to the state saved when it was new: styles, fonts, dashes, transform, clip.
  ctx.restore()
  ctx.save()
  return canvas
}
