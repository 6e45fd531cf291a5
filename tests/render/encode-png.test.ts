import { createCanvas } from '@napi-rs/canvas'
import { describe, expect, it } from 'vitest'
import { encodePng } from '../../bot/render/encode-png.ts'
import { decodePng } from './decoded-png.ts'

describe('encodePng', () => {
  it('round-trips every pixel through an independent decoder', async () => {
    const canvas = createCanvas(37, 23)
    const ctx = canvas.getContext('2d')
    ctx.fillStyle = '#ffffff'
    ctx.fillRect(0, 0, 37, 23)
    ctx.fillStyle = '#225ea8'
    ctx.fillRect(3, 4, 10, 9)
    ctx.strokeStyle = '#cf222e'
    ctx.beginPath()
    ctx.moveTo(0, 22)
    ctx.lineTo(36, 0)
    ctx.stroke()
    const { data } = ctx.getImageData(0, 0, 37, 23)

    const image = await decodePng(encodePng(canvas))
    expect([image.width, image.height, image.colorType]).toEqual([37, 23, 6])
    for (let y = 0; y < 23; y++) {
      for (let x = 0; x < 37; x++) {
        const i = (y * 37 + x) * 4
        expect(image.pixel(x, y)).toEqual([data[i], data[i + 1], data[i + 2], data[i + 3]])
      }
    }
  })
})
