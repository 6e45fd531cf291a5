import { Cron } from 'croner'
import { z } from 'zod'
import { boolFlag, logLevel, postgresUrl, wholeNumber, type LogLevel } from '../bot/config-fields.ts'
import { parsePeerRef, type PeerRef } from './peer-ref.ts'

const envSchema = z.object({
  MTPROTO_ENABLED: boolFlag.default(false),
  MTPROTO_STATS_ENABLED: boolFlag.default(false),
  MTPROTO_API_ID: wholeNumber(1, 2 ** 31 - 1).optional(),
  MTPROTO_API_HASH: z
    .string()
    .regex(/^[0-9a-f]{32}$/i, { message: 'must be the 32-character hex api_hash from my.telegram.org' })
    .optional(),
  MTPROTO_SESSION: z.string().min(1).optional(),
  MTPROTO_STATS_PEERS: z.string().optional(),
  MTPROTO_STATS_CONCURRENCY: wholeNumber(1, 20).default(3),
  MTPROTO_STATS_SCHEDULE: z.string().optional(),
  MTPROTO_STATS_TIMEZONE: z
    .string()
    .refine((tz) => isTimeZone(tz), { message: 'must be an IANA time zone such as UTC or Europe/Berlin' })
    .default('UTC'),
  MTPROTO_REQUEST_TIMEOUT_MS: wholeNumber(1, 600_000).default(30_000),
  MTPROTO_FLOOD_SLEEP_MAX_SECONDS: wholeNumber(0, 3600).default(120),
  MTPROTO_SERVER_ERROR_RETRIES: wholeNumber(0, 10).default(3),
  MTPROTO_RETRY_BASE_MS: wholeNumber(0, 60_000).default(1000),
  DATABASE_URL: postgresUrl.optional(),
  LOG_LEVEL: logLevel.default('info'),
})

export interface LoaderConfig {
  enabled: true
  apiId: number
  apiHash: string
  session: string
  peers: PeerRef[]
  concurrency: number
  schedule: string | undefined
  timeZone: string
  databaseUrl: string
  logLevel: LogLevel
  requestTimeoutMs: number
  floodSleepMaxSeconds: number
  serverErrorRetries: number
  retryBaseMs: number
}

export type Config = LoaderConfig | { enabled: false; logLevel: LogLevel; reason: string }

export interface LoginConfig {
  apiId: number
  apiHash: string
}

export class ConfigError extends Error {}

/**
 * Parses the environment (and `--schedule "<cron>"` on the command line) once. Every problem
 * becomes one line of the error message, named by its variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, argv: string[] = []): Config {
  const e = parseEnv(env)
  if (!e.MTPROTO_ENABLED || !e.MTPROTO_STATS_ENABLED) {
    const off = [!e.MTPROTO_ENABLED && 'MTPROTO_ENABLED', !e.MTPROTO_STATS_ENABLED && 'MTPROTO_STATS_ENABLED'].filter(Boolean)
    return { enabled: false, logLevel: e.LOG_LEVEL, reason: `${off.join(' and ')} ${off.length > 1 ? 'are' : 'is'} not true` }
  }
  const problems: string[] = []
  if (e.MTPROTO_API_ID === undefined) problems.push('MTPROTO_API_ID is required (from my.telegram.org → API development tools)')
  if (e.MTPROTO_API_HASH === undefined) problems.push('MTPROTO_API_HASH is required (from my.telegram.org → API development tools)')
  if (!e.MTPROTO_SESSION) problems.push('MTPROTO_SESSION is required: run `npm run stats-loader:login` once and keep the string it prints')
  if (!e.DATABASE_URL) problems.push('DATABASE_URL is required for the stats-loader')
  const peers = parsePeers(e.MTPROTO_STATS_PEERS, problems)
  const schedule = scheduleArg(argv) ?? e.MTPROTO_STATS_SCHEDULE
  if (schedule !== undefined) {
    const error = cronError(schedule)
    if (error) problems.push(`MTPROTO_STATS_SCHEDULE "${schedule}" is not a cron expression: ${error}`)
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
  return {
    enabled: true,
    apiId: e.MTPROTO_API_ID!,
    apiHash: e.MTPROTO_API_HASH!,
    session: e.MTPROTO_SESSION!,
    peers,
    concurrency: e.MTPROTO_STATS_CONCURRENCY,
    schedule,
    timeZone: e.MTPROTO_STATS_TIMEZONE,
    databaseUrl: e.DATABASE_URL!,
    logLevel: e.LOG_LEVEL,
    requestTimeoutMs: e.MTPROTO_REQUEST_TIMEOUT_MS,
    floodSleepMaxSeconds: e.MTPROTO_FLOOD_SLEEP_MAX_SECONDS,
    serverErrorRetries: e.MTPROTO_SERVER_ERROR_RETRIES,
    retryBaseMs: e.MTPROTO_RETRY_BASE_MS,
  }
}

/** What `npm run stats-loader:login` needs: only the API credentials. */
export function loadLoginConfig(env: Record<string, string | undefined> = process.env): LoginConfig {
  const e = parseEnv(env)
  const problems: string[] = []
  if (e.MTPROTO_API_ID === undefined) problems.push('MTPROTO_API_ID is required (from my.telegram.org → API development tools)')
  if (e.MTPROTO_API_HASH === undefined) problems.push('MTPROTO_API_HASH is required (from my.telegram.org → API development tools)')
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
  return { apiId: e.MTPROTO_API_ID!, apiHash: e.MTPROTO_API_HASH! }
}

function parseEnv(env: Record<string, string | undefined>) {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''))
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`).join('\n'))
  }
  return parsed.data
}

function parsePeers(raw: string | undefined, problems: string[]): PeerRef[] {
  const items = (raw ?? '').split(/[\s,]+/).filter(Boolean)
  if (items.length === 0) {
    problems.push('MTPROTO_STATS_PEERS is required: a comma-separated list of @usernames, t.me links or -100… ids')
    return []
  }
  const peers: PeerRef[] = []
  for (const item of items) {
    const ref = parsePeerRef(item)
    if ('error' in ref) problems.push(`MTPROTO_STATS_PEERS entry "${item}" ${ref.error}`)
    else peers.push(ref)
  }
  return peers
}

function scheduleArg(argv: string[]): string | undefined {
  const index = argv.findIndex((a) => a === '--schedule' || a.startsWith('--schedule='))
  if (index < 0) return undefined
  const arg = argv[index]!
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[index + 1] ?? '')
}

function cronError(pattern: string): string | undefined {
  try {
    new Cron(pattern, { paused: true }).stop()
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
