// npm run bench:queries [-- --fresh] [-- --zone-change]: p50/p95 of the full handling of /stats,
// /top and /heatmap (query, formatting, PNG) on 10M messages, against the same answers computed
// from raw rows; with --zone-change, also a /timezone of the 5M-message chat (there and back),
// with the longest time an ingest batch of that chat had to wait meanwhile.
import { createAnswerDeps, type ChatStatsQueries } from '../../bot/answers/answer-deps.ts'
import { buildHeatmapAnswer } from '../../bot/answers/heatmap-answer.ts'
import { buildStatsAnswer } from '../../bot/answers/stats-answer.ts'
import { buildTopAnswer } from '../../bot/answers/top-answer.ts'
import { parsePeriod, resolvePeriod, type ResolvedPeriod } from '../../bot/periods.ts'
import { chartRenderer } from '../../bot/render/index.ts'
import * as rollups from '../../db/queries/chat-stats.ts'
import { BIG_CHAT, openQueriesBenchDatabase } from './queries-data.ts'
import { rawQueries } from './raw-queries.ts'
import { fmt } from './bench-db.ts'
import { setChatTimeZone } from '../../db/queries/set-chat-time-zone.ts'

const fresh = process.argv.includes('--fresh')
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200)
const RAW_ITERATIONS = Number(process.env.BENCH_RAW_ITERATIONS ?? 3)
const PERIODS = (process.env.BENCH_PERIODS ?? '30d,1y').split(',')
const TARGET_P95: Record<string, number> = { stats: 20, top: 30, heatmap: 60 }

const database = await openQueriesBenchDatabase((line) => console.log(line), fresh)
const { sql } = database
await chartRenderer().warmUp()

type Command = 'stats' | 'top' | 'heatmap'
async function handle(queries: ChatStatsQueries, command: Command, arg: string): Promise<{ caption?: string; text?: string }> {
  const deps = createAnswerDeps(sql, queries)
  const settings = await queries.getChatSettings(sql, BIG_CHAT)
  const spec = parsePeriod(arg)
  if ('error' in spec) throw new Error(spec.error)
  const period = resolvePeriod(spec, { now: new Date(), timeZone: settings.timeZone, firstDay: settings.firstDay }) as ResolvedPeriod
  const answer = command === 'stats' ? await buildStatsAnswer(deps, BIG_CHAT, settings, period)
    : command === 'top' ? await buildTopAnswer(deps, BIG_CHAT, settings, period, 'messages')
    : await buildHeatmapAnswer(deps, BIG_CHAT, settings, period)
  return answer as { caption?: string; text?: string }
}

async function timings(run: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const started = performance.now()
    await run()
    out.push(performance.now() - started)
  }
  return out.sort((a, b) => a - b)
}
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!

const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM messages`
const [{ big } = { big: 0 }] = await sql<{ big: number }[]>`SELECT count(*)::int AS big FROM messages WHERE chat_id = ${BIG_CHAT}`
console.log(`queries benchmark: ${fmt(n)} messages, ${fmt(big)} in the measured chat (Europe/Berlin); ${ITERATIONS} runs each, answers uncached`)
// A running bot builds the standard periods' memos in the background (warm-range-memos), and
// autovacuum then clears the rows they replaced. This machine's PostgreSQL runs with autovacuum
// off, so the benchmark does both itself before it measures (a zone change leaves every memo stale).
for (const arg of PERIODS) for (const command of ['stats', 'top', 'heatmap'] as const) await handle(rollups, command, arg)
await sql`VACUUM ANALYZE range_memo, range_memo_senders, chat_activity_15m, chat_activity_hour, chat_activity_day, sender_day`
let allMet = true
for (const arg of PERIODS) {
  for (const command of ['stats', 'top', 'heatmap'] as const) {
    const fast = await handle(rollups, command, arg)
    const raw = await handle(rawQueries, command, arg)
    const same = (fast.caption ?? fast.text) === (raw.caption ?? raw.text)
    await timings(() => handle(rollups, command, arg), 20) // warm-up: a running bot is warm
    const t = await timings(() => handle(rollups, command, arg), ITERATIONS)
    const r = await timings(() => handle(rawQueries, command, arg), RAW_ITERATIONS)
    const p95 = pct(t, 0.95)
    const met = p95 <= TARGET_P95[command]!
    allMet &&= met
    console.log(
      `  /${command} ${arg}`.padEnd(18) +
      `p50 ${fmt(pct(t, 0.5), 1)} ms  p95 ${fmt(p95, 1)} ms (target ≤ ${TARGET_P95[command]} ms: ${met ? 'met' : 'NOT met'})  ` +
      `raw p50 ${fmt(pct(r, 0.5), 0)} ms  ×${fmt(pct(r, 0.5) / pct(t, 0.5), 0)} faster  answers ${same ? 'identical' : 'DIFFER'}`,
    )
  }
}
console.log(`  all p95 targets: ${allMet ? 'met' : 'NOT met'}`)

if (process.argv.includes('--zone-change')) {
  // An ingest batch locks its chats' rows first (FOR NO KEY UPDATE): probe that lock all along.
  let stop = false
  let longestWait = 0
  const probe = (async () => {
    while (!stop) {
      const started = performance.now()
      await sql.begin((tx) => tx`SELECT 1 FROM chats WHERE chat_id = ${BIG_CHAT} FOR NO KEY UPDATE`)
      longestWait = Math.max(longestWait, performance.now() - started)
      await new Promise((r) => setTimeout(r, 10))
    }
  })()
  for (const zone of ['Asia/Tokyo', 'Europe/Berlin']) {
    longestWait = 0
    const started = performance.now()
    let built = started
    const change = await setChatTimeZone(sql, BIG_CHAT, zone, { beforeSwitchOver: async () => { built = performance.now() } })
    const switched = performance.now()
    await change.cleanedUp
    console.log(
      `  /timezone ${zone}: answers switched after ${fmt((switched - started) / 1000, 1)} s ` +
      `(rebuild ${fmt((built - started) / 1000, 1)} s, switch-over ${fmt(switched - built)} ms); old rows deleted after ${fmt((performance.now() - switched) / 1000, 1)} s more; ` +
      `longest wait of an ingest batch of the chat: ${fmt(longestWait)} ms`,
    )
  }
  stop = true
  await probe
  await sql`VACUUM ANALYZE sender_day`
}
await chartRenderer().close()
await database.close()
