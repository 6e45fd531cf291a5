// npm run bench:polling [-- N]: the real bot process (as `npm start` runs it) long-polling a local
// server that speaks the Bot API, with N synthetic updates queued: updates/s from start to the last
// confirmed offset, and the process's peak RSS.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { startFakeBotApi } from '../support/fake-bot-api.ts'
import { createTrafficGenerator } from '../support/synthetic-updates.ts'
import { createBenchDatabase, fmt } from './bench-db.ts'

const N = Number(process.argv[2] ?? 20_000)
const api = await startFakeBotApi()
const database = await createBenchDatabase('polling')
const traffic = createTrafficGenerator({ chats: 200, users: 20_000, seed: 1, startDate: Math.floor(Date.now() / 1000) - N })
api.pushUpdates(Array.from({ length: N }, () => traffic.next()))

const statusMb = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
const peakRssMb = (pid: number) => statusMb(pid, 'VmHWM')
const currentRssMb = (pid: number) => statusMb(pid, 'VmRSS')
const started = performance.now()
const bot = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'bot/main.ts'], {
  env: {
    PATH: process.env.PATH, BOT_TOKEN: api.token, DATABASE_URL: database.url, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: process.env.BOT_LOG_LEVEL ?? 'warn',
    MALLOC_MMAP_THRESHOLD_: '67108864', MALLOC_TRIM_THRESHOLD_: '268435456', MALLOC_TOP_PAD_: '67108864',
  },
  stdio: ['ignore', process.env.BOT_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit'],
})
try {
  await api.waitFor(() => api.confirmedOffset > 0, 120_000, 'the first confirmed offset')
  const ready = performance.now()
  const idle = currentRssMb(bot.pid!)
  await api.waitFor(() => api.pending().length === 0, 600_000, 'every update to be confirmed')
  const seconds = (performance.now() - started) / 1000
  const polling = (performance.now() - ready) / 1000
  const rss = peakRssMb(bot.pid!)
  const [{ n } = { n: 0 }] = await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM messages`
  console.log(`polling benchmark: ${fmt(N)} queued updates, the real bot process against a local Bot API`)
  console.log(`  ${fmt(N / polling)} updates/s from the first confirmed offset to the last; ${fmt(seconds, 1)} s in all, start-up and migrations included`)
  console.log(`  ${fmt(n)} messages stored; RSS of the bot process: ${fmt(idle)} MB at its first confirmed offset, ${fmt(rss)} MB at its peak`)
} finally {
  bot.kill('SIGTERM')
  await new Promise((r) => bot.once('exit', r))
  await api.close()
  await database.drop()
}
