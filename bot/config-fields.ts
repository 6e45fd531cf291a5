import { z } from 'zod'

// Environment fields the bot and the stats-loader read the same way, with the same messages.

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

export const logLevel = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }))

const TRUE = ['true', '1', 'yes', 'on']
const FALSE = ['false', '0', 'no', 'off']

export const boolFlag = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => TRUE.includes(v) || FALSE.includes(v), { message: 'must be true or false (or 1/0, yes/no, on/off)' })
  .transform((v) => TRUE.includes(v))

/** A whole number in decimal digits (no sign, exponent or hex) from `min` to `max`. */
export const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`
  return z
    .string()
    .refine((v) => /^\s*\d+\s*$/.test(v) && Number(v) >= min && Number(v) <= max, { message })
    .transform(Number)
}

export const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v) && URL.canParse(v), {
    message: 'must be a postgres:// or postgresql:// URL',
  })
