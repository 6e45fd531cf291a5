import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger }

/**
 * A JSON logger on stdout that never writes the given secrets: each is replaced by `***`
 * wherever it appears (an error's message or stack can hold a request URL with the bot token in
 * it, which grammY hides in its own messages but not in the errors it wraps).
 */
export function createLogger(level: string, options: { service?: string; secrets?: readonly (string | undefined)[] } = {}): Logger {
  const base = { service: options.service ?? 'bot' }
  const secrets = hiddenForms(options.secrets ?? [])
  const hooks = secrets.length === 0 ? {} : { hooks: { streamWrite: (line: string) => redact(line, secrets) } }
  return pino({ level, base, ...hooks }, stdoutDestination())
}

/**
 * stdout written synchronously, so a line logged just before process.exit is out without a flush
 * at exit. pino's default destination is asynchronous and flushes at exit and after each fatal
 * line, retrying a failed write for ever there: with stdout's reader gone the process then hung,
 * deaf to SIGTERM. Here a stdout that fails (reader gone: EPIPE; terminal closed: EIO) ends
 * logging instead; there is nowhere left to say so.
 */
function stdoutDestination(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: true })
  stream.on('error', () => {
    stream.write = () => true
    stream.flushSync = () => {}
  })
  return stream
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

/**
 * What the bot's logs must never show: the token's secret part, and the password of a proxy given
 * in TELEGRAM_API_ROOT (it would show in the request URLs of network errors).
 */
export function configSecrets(config: { botToken: string; apiRoot: string }): (string | undefined)[] {
  const written = new URL(config.apiRoot).password
  let decoded = written
  try {
    decoded = decodeURIComponent(written)
  } catch {
    // A stray % is sent as written.
  }
  return [tokenSecret(config.botToken), written || undefined, decoded !== written ? decoded : undefined]
}
