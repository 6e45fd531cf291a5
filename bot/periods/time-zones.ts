// ICU lists one name per zone, and in Node 20 that is sometimes the old one (Asia/Calcutta,
// Europe/Kiev). Current names such as Asia/Kolkata are still accepted by Intl, so they are
// recognised too, spelled with the usual capitals.
let listed: Map<string, string> | undefined

function listedZones(): Map<string, string> {
  if (!listed) {
    listed = new Map([['utc', 'UTC']])
    for (const zone of Intl.supportedValuesOf('timeZone')) listed.set(zone.toLowerCase(), zone)
  }
  return listed
}

const IANA_SHAPE = /^[a-z]+(?:\/[a-z0-9_+-]+){1,2}$/i

/** The canonical spelling of an IANA zone name typed in any case, or undefined if it is none. */
export function canonicalTimeZone(input: string): string | undefined {
  const text = input.trim()
  const found = listedZones().get(text.toLowerCase())
  if (found) return found
  if (!IANA_SHAPE.test(text) || !intlAccepts(text)) return undefined
  const [area, ...rest] = text.toLowerCase().split('/')
  // Etc/GMT+5, Etc/UTC: the part after Etc/ is an abbreviation.
  if (area === 'etc') return `Etc/${rest.join('/').toUpperCase()}`
  return [area, ...rest].map((part) => part!.replace(/(^|[_-])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase())).join('/')
}

function intlAccepts(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/** The zone's offset from UTC at `instant`, as 'UTC+05:45' or 'UTC' when it is zero. */
export function utcOffsetLabel(timeZone: string, instant: Date): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value
  return !name || name === 'GMT' || name === 'GMT+00:00' ? 'UTC' : name.replace('GMT', 'UTC').replace('−', '-')
}

/** Local wall-clock time 'HH:MM' in the zone. */
export function localTime(timeZone: string, instant: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant)
}
