import pino, { type Logger } from 'pino'

export type { Logger }

/**
 * A JSON logger on stdout that never writes the given secrets: each is replaced by `***`
 * wherever it appears (an error's message or stack can hold a request URL with the bot token in
 * it, which grammY hides in its own messages but not in the errors it wraps).
 */
export function createLogger(level: string, options: { service?: string; secrets?: readonly (string | undefined)[] } = {}): Logger {
  const base = { service: options.service ?? 'bot' }
  const secrets = hiddenForms(options.secrets ?? [])
  if (secrets.length === 0) return pino({ level, base })
  // Rewrites each line on its way to pino's own (synchronous) destination: a line logged just
  // before process.exit is still written.
  return pino({ level, base, hooks: { streamWrite: (line) => redact(line, secrets) } })
}

/** `text` with every one of `secrets` replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***')
  return out
}

/** Each secret as it may appear in a JSON line: as is, JSON-escaped and URL-encoded; longest first. */
export function hiddenForms(secrets: readonly (string | undefined)[]): string[] {
  const forms = new Set<string>()
  for (const secret of secrets) {
    // Too short to hide without hiding ordinary text too; no real token, password or key is.
    if (secret === undefined || secret.length < 6) continue
    forms.add(secret)
    forms.add(JSON.stringify(secret).slice(1, -1))
    forms.add(encodeURIComponent(secret))
  }
  return [...forms].sort((a, b) => b.length - a.length)
}

/** The secret part of a bot token (after the colon; the bot's id before it is public). */
export const tokenSecret = (botToken: string): string => botToken.slice(botToken.indexOf(':') + 1)
