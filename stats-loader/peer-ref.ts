// What an operator (or a /channelstats user) may type to name a channel or supergroup.
export type PeerRef =
  | { kind: 'username'; username: string; input: string }
  // `channelId` is MTProto's bare channel id (positive), not the Bot API -100… form.
  | { kind: 'id'; channelId: bigint; input: string }

const USERNAME = /^[a-zA-Z][a-zA-Z0-9_]{3,31}$/
const TME_HOST = /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)\/(.+)$/i

/** Parses `@name`, `name`, `t.me/name`, `t.me/s/name`, `t.me/c/<id>/…`, `-100<id>` or `<id>`. */
export function parsePeerRef(raw: string): PeerRef | { error: string } {
  const input = raw.trim()
  if (!input) return { error: 'is empty' }
  const numeric = /^-?\d+$/.test(input) ? input : undefined
  if (numeric) return parseNumeric(numeric, input)
  const link = TME_HOST.exec(input)
  if (link) {
    const [first = '', second = ''] = (link[1] ?? '').split(/[/?#]/)
    if (first.startsWith('+') || first.toLowerCase() === 'joinchat') {
      return { error: 'is an invite link; use the @username or the numeric id instead' }
    }
    if (first === 'c') return /^\d+$/.test(second) ? idRef(BigInt(second), input) : { error: 'is a t.me/c/ link without an id' }
    if (first === 's') return usernameRef(second, input)
    return usernameRef(first, input)
  }
  return usernameRef(input.replace(/^@/, ''), input)
}

function parseNumeric(text: string, input: string): PeerRef | { error: string } {
  const value = BigInt(text)
  if (text.startsWith('-100') && text.length > 4) return idRef(BigInt(text.slice(4)), input)
  if (value > 0n) return idRef(value, input)
  return { error: 'is a basic group or user id; only channels and supergroups (-100…) have statistics' }
}

function idRef(channelId: bigint, input: string): PeerRef | { error: string } {
  return channelId > 0n ? { kind: 'id', channelId, input } : { error: 'is not a valid channel id' }
}

function usernameRef(username: string, input: string): PeerRef | { error: string } {
  if (!USERNAME.test(username)) return { error: 'is not a username, t.me link or numeric id' }
  return { kind: 'username', username: username.toLowerCase(), input }
}

/** The Bot API id of a channel or supergroup: -100 followed by the MTProto channel id. */
export function botApiChannelId(channelId: bigint | { toString(): string }): number {
  return Number(`-100${channelId.toString()}`)
}

/** The MTProto channel id of a Bot API id (-100XXXXXXXXXX), or undefined for other ids. */
export function mtprotoChannelId(botApiId: number): bigint | undefined {
  const text = String(botApiId)
  return text.startsWith('-100') && text.length > 4 ? BigInt(text.slice(4)) : undefined
}
