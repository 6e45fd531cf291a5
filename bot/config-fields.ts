import { z } from 'zod'

// Environment fields the bot and the stats-loader read the same way, with the same messages.

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

export const logLevel = z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` })

export const boolFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

export const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v) && URL.canParse(v), {
    message: 'must be a postgres:// or postgresql:// URL',
  })
