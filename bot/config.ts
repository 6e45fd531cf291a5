import { z } from 'zod'
import { boolFlag, logLevel, postgresUrl, wholeNumber, type LogLevel } from './config-fields.ts'

const redisUrl = z
  .string()
  .refine((v) => /^rediss?:\/\/.+/.test(v) && URL.canParse(v), {
    message: 'must be a redis:// or rediss:// URL',
  })

const httpUrl = z
  .string()
  // Method paths are appended to it: a query or fragment would swallow them.
  .refine((v) => /^https?:\/\/[^/?#]+[^?#]*$/.test(v) && URL.canParse(v), {
    message: 'must be an http:// or https:// URL without a ?query or #fragment, such as https://api.telegram.org',
  })
  .transform((v) => v.replace(/\/+$/, ''))

// Stated as a format, not an example, so that the README's placeholder is not taken for one.
const TOKEN_FORMAT = '<bot id>:<35 letters, digits, - or _>'

const envSchema = z.object({
  BOT_TOKEN: z
    .string({ message: 'is required (get one from @BotFather)' })
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, { message: `does not look like a bot token; @BotFather gives it as ${TOKEN_FORMAT}` }),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: redisUrl.optional(),
  TELEGRAM_API_ROOT: httpUrl.default('https://api.telegram.org'),
  LOG_LEVEL: logLevel.default('info'),
  BATCH_MAX_ROWS: wholeNumber(1, 100_000).default(5000),
  BATCH_MAX_DELAY_MS: wholeNumber(0, 10_000).default(0),
  BATCH_LANES: wholeNumber(1, 16).default(2),
  NO_ADMIN_WARNING: boolFlag.default(true),
  COOLDOWN_USER_SECONDS: wholeNumber(0, 3600).default(10),
  COOLDOWN_CHAT_SECONDS: wholeNumber(0, 3600).default(3),
  COOLDOWN_BUTTON_SECONDS: wholeNumber(0, 3600).default(2),
  ANSWER_CACHE_TTL_SECONDS: wholeNumber(0, 86_400).default(900),
  HEALTH_FILE: z.string().min(1).optional(),
})

export type Config = {
  /** Touched every few seconds while polling runs and the last commit did not fail; for container health checks. */
  healthFile: string | undefined
  botToken: string
  botId: number
  databaseUrl: string | undefined
  dataDir: string
  redisUrl: string | undefined
  apiRoot: string
  logLevel: LogLevel
  batchMaxRows: number
  batchMaxDelayMs: number
  /** Batches committed at once, each for its own share of the chats. */
  batchLanes: number
  warnWithoutAdmin: boolean
  /** Seconds between commands of one sender, answers in one chat, button presses of one user. */
  cooldowns: { userSeconds: number; chatSeconds: number; buttonSeconds: number }
  answerCacheTtlSeconds: number
}

export class ConfigError extends Error {}

/** Parses the environment once; every problem becomes one line of the error message. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Blank counts as unset: `VAR= ` in an env file is no value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''))
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`)
    throw new ConfigError(lines.join('\n'))
  }
  const e = parsed.data
  return {
    botToken: e.BOT_TOKEN,
    botId: Number(e.BOT_TOKEN.split(':')[0]),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL,
    apiRoot: e.TELEGRAM_API_ROOT,
    logLevel: e.LOG_LEVEL,
    batchMaxRows: e.BATCH_MAX_ROWS,
    batchMaxDelayMs: e.BATCH_MAX_DELAY_MS,
    batchLanes: e.BATCH_LANES,
    warnWithoutAdmin: e.NO_ADMIN_WARNING,
    cooldowns: { userSeconds: e.COOLDOWN_USER_SECONDS, chatSeconds: e.COOLDOWN_CHAT_SECONDS, buttonSeconds: e.COOLDOWN_BUTTON_SECONDS },
    answerCacheTtlSeconds: e.ANSWER_CACHE_TTL_SECONDS,
    healthFile: e.HEALTH_FILE,
  }
}
