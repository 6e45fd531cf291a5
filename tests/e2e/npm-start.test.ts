import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'

let api: FakeBotApi
let database: TestDatabase

beforeAll(async () => {
  api = await startFakeBotApi()
  database = await createTestDatabase('e2e_npm_start')
})
afterAll(async () => {
  await api?.close()
  await database?.drop()
})

/** Processes whose environment holds `marker`: whatever `npm start` started, at any depth. */
function processesWith(marker: string): number[] {
  const found: number[] = []
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) found.push(Number(pid))
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found
}

describe('npm start', () => {
  it('passes SIGTERM to the bot, which stops gracefully, and leaves no process behind', async () => {
    const marker = `NPM_START_TEST_${process.pid}_${Date.now()}`
    api.pushUpdate({ message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: -1001234, type: 'supergroup', title: 'G' },
      from: { id: 77, is_bot: false, first_name: 'Ann' }, text: 'hi' } } as never)
    const npm = spawn('npm', ['start', '--silent'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, [marker]: '1', BOT_TOKEN: api.token, DATABASE_URL: database.url, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    npm.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve))
    try {
      await api.waitFor(() => api.pending().length === 0 && api.confirmedOffset > 0, 60_000, 'the update to be confirmed')
      npm.kill('SIGTERM')
      await exited
      const until = Date.now() + 20_000
      while (processesWith(marker).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
      expect(processesWith(marker)).toEqual([])
      expect(output).toContain('"msg":"stopped"')
    } finally {
      for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL')
    }
  })
})
