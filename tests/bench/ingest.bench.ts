// npm run bench:ingest [-- N]: updates/s through the bot's real update handling (what the runner calls), against a raw
// COPY of the same rows (the ceiling) and one INSERT per update (the naive baseline).
import { PerformanceObserver } from 'node:perf_hooks'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Update } from 'grammy/types'
import pino from 'pino'
import { createBot, updateHandler } from '../../bot/create-bot.ts'
import { BatchWriter } from '../../bot/ingest/batch-writer.ts'
import { mapUpdate } from '../../bot/ingest/map-update.ts'
import { emptyRows, type UpdateRows } from '../../bot/ingest/rows.ts'
import { createTrafficGenerator } from '../support/synthetic-updates.ts'
import { cpuSeconds, createBenchDatabase, fmt, peakRssMb } from './bench-db.ts'

const N = Number(process.argv[2] ?? 200_000)
const NAIVE_N = Math.min(N, 10_000)
const BOT_ID = 123456789
const log = pino({ level: process.env.BENCH_LOG ?? 'warn' })

// Kept as JSON text, the way updates arrive: getUpdates answers of 100 updates each, which every
// phase parses as the bot's API client does.
function makeAnswers(n: number): string[] {
  // About half a second of chat time per update, ending now: yesterday's backlog and today's traffic.
  const traffic = createTrafficGenerator({ chats: 200, users: 20_000, seed: 1, startDate: Math.floor(Date.now() / 1000) - Math.floor(n / 2) })
  const answers: string[] = []
  for (let first = 0; first < n; first += 100) {
    const result = Array.from({ length: Math.min(100, n - first) }, (_, i) => ({ update_id: first + i + 1, ...traffic.next() }))
    answers.push(JSON.stringify({ ok: true, result }))
  }
  return answers
}
const parse = (answer: string) => (JSON.parse(answer) as { result: Update[] }).result
const countOf = (answers: string[]) => answers.reduce((sum, a) => sum + parse(a).length, 0)

let botCpu = { node: 0, postgres: 0 }
let botBatch = 0
let botLoopBusy = 0
let botGcPause = 0

async function runBot(answers: string[]): Promise<number> {
  const count = countOf(answers)
  const database = await createBenchDatabase('bot')
  try {
    let batches = 0
    // The bot's defaults (BATCH_MAX_ROWS, BATCH_MAX_DELAY_MS, BATCH_LANES).
    const maxRows = Number(process.env.BENCH_BATCH ?? 5000)
    const lanes = Number(process.env.BENCH_LANES ?? 2)
    const writer = new BatchWriter(database.sql, { onCommitted: () => batches++, maxRows, maxDelayMs: 0, lanes, log, botId: BOT_ID })
    const bot = createBot({
      token: `${BOT_ID}:BenchTokenBenchTokenBenchToken`, apiRoot: 'http://127.0.0.1:9', sql: database.sql, writer, log,
      warnWithoutAdmin: false,
      botInfo: { id: BOT_ID, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: true,
        can_read_all_group_messages: true, supports_inline_queries: false, can_connect_to_business: false,
        has_main_web_app: false, has_topics_enabled: false, allows_users_to_create_topics: false } as never,
    })
    const handle = updateHandler(bot, writer)
    let gcMs = 0
    const gc = new PerformanceObserver((list) => { for (const entry of list.getEntries()) gcMs += entry.duration })
    gc.observe({ entryTypes: ['gc'] })
    const cpuBefore = await cpuSeconds()
    const eluBefore = performance.eventLoopUtilization()
    const started = performance.now()
    // As the runner does: updates come 100 at a time (one getUpdates), the event loop turns
    // between those, and many updates are in flight, each resolving once its rows are committed.
    // Enough in flight to keep every lane busy: one full batch committing and one gathering.
    const window = Number(process.env.BENCH_WINDOW ?? lanes * 2 * maxRows)
    // A counter and one waiter, like the runner's sink: racing every promise in flight would
    // cost the benchmark itself O(window) per update.
    let inFlight = 0
    let wake: (() => void) | undefined
    const settled = () => {
      inFlight--
      if (wake && inFlight < window) { wake(); wake = undefined }
    }
    const failed = (error: unknown) => {
      settled()
      throw error
    }
    const room = (limit: number) => new Promise<void>((r) => { wake = r; if (inFlight < limit) { wake = undefined; r() } })
    for (const answer of answers) {
      for (const update of parse(answer)) {
        inFlight++
        handle(update).then(settled, failed)
      }
      await new Promise((r) => setImmediate(r))
      if (inFlight >= window) await room(window)
    }
    while (inFlight > 0) await room(1)
    await writer.close()
    const seconds = (performance.now() - started) / 1000
    const cpu = await cpuSeconds()
    botLoopBusy = performance.eventLoopUtilization(eluBefore).utilization
    gc.disconnect()
    botGcPause = gcMs * 1000 / count
    botBatch = count / batches
    botCpu = { node: (cpu.node - cpuBefore.node) / count * 1e6, postgres: (cpu.postgres - cpuBefore.postgres) / count * 1e6 }
    const [row] = await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM messages`
    if (!row || row.n === 0) throw new Error('the bot stored nothing')
    return count / seconds
  } finally {
    await database.drop()
  }
}

const copyText = (v: unknown): string =>
  v === null || v === undefined ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
const ts = (seconds: number) => new Date(seconds * 1000).toISOString()

async function copyRows(sql: import('postgres').Sql, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return
  const target = await sql.unsafe(`COPY ${table} (${columns.join(', ')}) FROM STDIN`).writable()
  const chunk = 5000
  await pipeline(
    (async function* () {
      for (let i = 0; i < rows.length; i += chunk)
        yield rows.slice(i, i + chunk).map((r) => r.map(copyText).join('\t')).join('\n') + '\n'
    })(),
    target as Writable,
  )
}

async function runCopy(answers: string[]): Promise<number> {
  const count = countOf(answers)
  const database = await createBenchDatabase('copy')
  try {
    const started = performance.now()
    const all: UpdateRows = emptyRows()
    for (const answer of answers) for (const update of parse(answer)) mapUpdate(update, BOT_ID, all)
    const sql = database.sql
    const chats = new Map(all.chats.map((c) => [c.chatId, c]))
    const users = new Map(all.users.map((u) => [u.userId, u]))
    const messages = new Map([...all.edits, ...all.messages].map((m) => [`${m.chatId}:${m.messageId}`, m]))
    await copyRows(sql, 'chats', ['chat_id', 'type', 'title'], [...chats.values()].map((c) => [c.chatId, c.type, c.title]))
    await copyRows(sql, 'users', ['user_id', 'first_name', 'username', 'name_date'], [...users.values()].map((u) => [u.userId, u.firstName, u.username, ts(u.date)]))
    await copyRows(sql, 'messages', ['chat_id', 'message_id', 'date', 'sender_id', 'sender_type', 'kind', 'text_length', 'link_count', 'mention_count'],
      [...messages.values()].map((m) => [m.chatId, m.messageId, ts(m.date), m.senderId, m.senderType, m.kind, m.textLength, m.linkCount, m.mentionCount]))
    await copyRows(sql, 'message_edits', ['chat_id', 'message_id', 'edit_date', 'message_date'],
      [...new Map(all.edits.map((e) => [`${e.chatId}:${e.messageId}:${e.editDate}`, e])).values()].map((e) => [e.chatId, e.messageId, ts(e.editDate), ts(e.date)]))
    await copyRows(sql, 'reaction_events', ['chat_id', 'message_id', 'date', 'actor_id', 'old_reactions', 'new_reactions', 'update_id'],
      all.reactions.map((r) => [r.chatId, r.messageId, ts(r.date), r.actorId, `{${r.oldReactions.join(',')}}`, `{${r.newReactions.map((x) => `"${x}"`).join(',')}}`, r.updateId]))
    await copyRows(sql, 'member_events', ['chat_id', 'user_id', 'date', 'event', 'direction', 'origin', 'update_id'],
      all.memberEvents.map((e) => [e.chatId, e.userId, ts(e.date), e.event, e.direction, e.origin, e.updateId]))
    return count / ((performance.now() - started) / 1000)
  } finally {
    await database.drop()
  }
}

async function runNaive(answers: string[]): Promise<number> {
  const count = countOf(answers)
  const database = await createBenchDatabase('naive')
  try {
    const sql = database.sql
    const started = performance.now()
    for (const u of answers.flatMap(parse)) {
      const m = u.message
      if (m) {
        await sql`INSERT INTO messages (chat_id, message_id, date, sender_id, sender_type, kind, text_length)
          VALUES (${m.chat.id}, ${m.message_id}, ${ts(m.date)}, ${m.from?.id ?? null}, 'user', ${m.text ? 'text' : 'other'}, ${m.text?.length ?? 0})
          ON CONFLICT DO NOTHING`
      } else if (u.edited_message) {
        const e = u.edited_message
        await sql`UPDATE messages SET edit_count = edit_count + 1 WHERE chat_id = ${e.chat.id} AND message_id = ${e.message_id}`
      } else if (u.message_reaction) {
        const r = u.message_reaction
        await sql`INSERT INTO reaction_events (chat_id, message_id, date, actor_id, old_reactions, new_reactions, update_id)
          VALUES (${r.chat.id}, ${r.message_id}, ${ts(r.date)}, ${r.user?.id ?? 0}, '{}', '{}', ${u.update_id}) ON CONFLICT DO NOTHING`
      } else if (u.chat_member) {
        const c = u.chat_member
        await sql`INSERT INTO member_events (chat_id, user_id, date, event, direction, origin, update_id)
          VALUES (${c.chat.id}, ${c.new_chat_member.user.id}, ${ts(c.date)}, 'join', 1, 'chat_member', ${u.update_id}) ON CONFLICT DO NOTHING`
      }
    }
    return count / ((performance.now() - started) / 1000)
  } finally {
    await database.drop()
  }
}

const cpuLine = () => `CPU per update: Node ${fmt(botCpu.node, 1)} µs, PostgreSQL ${fmt(botCpu.postgres, 1)} µs; event loop busy ${fmt(botLoopBusy * 100)}% (GC pauses ${fmt(botGcPause, 1)} µs per update); ${fmt(botBatch)} updates per commit`
if (process.env.ONLY_BOT) { console.log(fmt(await runBot(makeAnswers(N))), 'updates/s;', cpuLine()); process.exit(0) }
const answers = makeAnswers(N)
console.log(`ingest benchmark: ${fmt(N)} synthetic updates (200 chats, 20,000 users; messages, edits, reactions, joins/leaves)`)
const bot = await runBot(answers)
// The bot phase runs first, so the process's peak so far is its own (the answers' JSON included).
const botRssMb = peakRssMb()
console.log(`  bot (updateHandler → batch writer → PostgreSQL): ${fmt(bot)} updates/s`)
console.log(`    ${cpuLine()}`)
const copy = await runCopy(answers)
console.log(`  ceiling (raw COPY of the same rows):            ${fmt(copy)} updates/s`)
const naive = await runNaive(answers.slice(0, NAIVE_N / 100))
console.log(`  naive (one INSERT per update, ${fmt(NAIVE_N)} updates):  ${fmt(naive)} updates/s`)
console.log(`  bot / naive: ${fmt(bot / naive, 1)}×   bot / COPY ceiling: ${fmt((bot / copy) * 100, 0)}%`)
console.log(`  peak RSS: ${fmt(botRssMb)} MB after the bot phase (the benchmark's ${fmt(N)} updates as JSON included), ${fmt(peakRssMb())} MB in all (the COPY phase holds every row at once)`)
console.log(`  targets: ≥ 50,000 updates/s ${bot >= 50_000 ? 'met' : 'NOT met'}; ≥ 30× naive ${bot / naive >= 30 ? 'met' : 'NOT met'}`)
