import net from 'node:net'

/**
 * What listens at host:port, asked the way every PostgreSQL session starts: an SSLRequest (8
 * bytes), which a PostgreSQL server (or a pooler in front of one) answers with one byte, S or N.
 * `other`: something answered otherwise, or hung up; `unknown`: nothing could be reached, or
 * nothing answered within `timeoutMs` (a busy server may be slow: not a verdict).
 */
export function probePostgres(host: string, port: number, timeoutMs = 2000): Promise<'postgres' | 'other' | 'unknown'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host)
    const done = (answer: 'postgres' | 'other' | 'unknown') => {
      socket.destroy()
      resolve(answer)
    }
    socket.setTimeout(timeoutMs, () => done('unknown'))
    socket.once('error', () => done('unknown'))
    socket.once('connect', () => socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])))
    socket.once('data', (data: Buffer) => done(data.length === 1 && (data[0] === 0x53 || data[0] === 0x4e) ? 'postgres' : 'other'))
    socket.once('end', () => done('other'))
  })
}
