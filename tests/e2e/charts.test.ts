import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'

// Charts are drawn on a thread of their own (bot/render/chart-worker.mjs): check that thread
// starts and answers inside the real bot process, started as `npm start` starts it.
let api: FakeBotApi
let database: TestDatabase

beforeAll(async () => {
  api = await startFakeBotApi()
  database = await createTestDatabase('e2e_charts')
})
afterAll(async () => {
  await api?.close()
  await database?.drop()
})

const group = { id: -1004000000001, type: 'supergroup' as const, title: 'Charts' }
const other = { id: -1004000000002, type: 'supergroup' as const, title: 'Heat' }
const anna = { id: 4001, is_bot: false, first_name: 'Anna' }

describe('the bot process', () => {
  it('answers /stats and /heatmap with PNG charts drawn on its chart thread', async () => {
    const now = Math.floor(Date.now() / 1000)
    api.pushUpdates([
      ...Array.from({ length: 5 }, (_, i) => ({ message: { message_id: i + 1, date: now - 3600 * i, chat: group, from: anna, text: 'hi' } })),
      { message: { message_id: 10, date: now, chat: group, from: anna, text: '/stats 7d', entities: [{ type: 'bot_command', offset: 0, length: 6 }] } },
      // Another group and sender: commands have per-chat and per-user cooldowns.
      { message: { message_id: 1, date: now, chat: other, from: { ...anna, id: 4002 }, text: '/heatmap', entities: [{ type: 'bot_command', offset: 0, length: 8 }] } },
    ] as never)
    const bot = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      env: { PATH: process.env.PATH, BOT_TOKEN: api.token, DATABASE_URL: database.url, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    try {
      await api.waitFor(() => api.callsTo('sendPhoto').length >= 2, 45_000, 'two charts')
      for (const call of api.callsTo('sendPhoto')) {
        const png = Object.values(call.files)[0]!.bytes
        expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([800, 450])
      }
      const captions = api.callsTo('sendPhoto').map((c) => String(c.params.caption))
      expect(captions.some((c) => c.includes('Messages: 6'))).toBe(true)
      expect(captions.some((c) => c.startsWith('🕒'))).toBe(true)
    } finally {
      bot.kill('SIGTERM')
      await new Promise((r) => bot.once('exit', r))
    }
  })
})
