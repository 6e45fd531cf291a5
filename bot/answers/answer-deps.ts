import type { Sql } from 'postgres'
import type {
  ChatSettings, DayRange, StatsFigures, TopResult,
} from '../../db/queries/chat-stats-contract.ts'
import type { ZoneChange } from '../../db/queries/set-chat-time-zone.ts'
import { AnswerCache } from './answer-cache.ts'
import { Cooldowns, type CooldownOptions } from './cooldowns.ts'
import { MemoryStore, type KvStore } from './kv-store.ts'

/** The queries of db/queries/chat-stats.ts the commands use; passed in so features stay testable. */
export interface ChatStatsQueries {
  getChatSettings(sql: Sql, chatId: number): Promise<ChatSettings>
  getStatsFigures(sql: Sql, chatId: number, range: DayRange, previous?: DayRange): Promise<StatsFigures>
  getHeatmap(sql: Sql, chatId: number, range: DayRange): Promise<number[][]>
  getTopSenders(sql: Sql, chatId: number, range: DayRange, by: 'messages' | 'reactions', limit?: number): Promise<TopResult>
  setChatTimeZone(sql: Sql, chatId: number, timeZone: string): Promise<ZoneChange>
  getMessageCount(sql: Sql, chatId: number): Promise<number>
  setCommandsAccess(sql: Sql, chatId: number, access: 'everyone' | 'admins'): Promise<void>
}

/** What the analytics features share. */
export interface AnswerDeps {
  sql: Sql
  queries: ChatStatsQueries
  cache: AnswerCache
  cooldowns: Cooldowns
  now: () => Date
  /** A /timezone in a chat with at least this many messages says first that it is under way. */
  zoneChangeNoticeMessages: number
}

export interface AnalyticsOptions {
  /** Redis-backed in production (bot/answers/redis-store.ts); in-process when absent. */
  store?: KvStore
  /** Shared with the batch writer's onCommitted, which invalidates it. */
  answerCache?: AnswerCache
  cooldowns?: CooldownOptions
  /** The clock periods are resolved against (tests set it). */
  now?: () => Date
  zoneChangeNoticeMessages?: number
}

export const DEFAULT_COOLDOWNS: CooldownOptions = { userSeconds: 10, chatSeconds: 3, buttonSeconds: 2 }
export const DEFAULT_ANSWER_TTL_MS = 15 * 60_000

export function createAnswerDeps(sql: Sql, queries: ChatStatsQueries, options: AnalyticsOptions = {}): AnswerDeps {
  const store = options.store ?? new MemoryStore()
  return {
    sql,
    queries,
    cache: options.answerCache ?? new AnswerCache(store, { ttlMs: DEFAULT_ANSWER_TTL_MS }),
    cooldowns: new Cooldowns(store, options.cooldowns ?? DEFAULT_COOLDOWNS),
    now: options.now ?? (() => new Date()),
    // Rebuilding takes about a minute per five million messages on a 2-core server.
    zoneChangeNoticeMessages: options.zoneChangeNoticeMessages ?? 300_000,
  }
}
