import net from 'node:net'

/**
 * What listens at host:port, asked the way every PostgreSQL session starts: an SSLRequest (8
 * bytes), which a PostgreSQL server (or a pooler in front of one) answers with one byte, S or N,
 * at once. `other`: something answered otherwise; `silent`: something took the
 * connection and said nothing within `timeoutMs` (another kind of server, most often; a
 * PostgreSQL too busy to fork is rare, so it is no verdict); `unreachable`: no connection, or one
 * closed without a word (a port forwarder whose server is down: docker's, ssh -L, a cloud proxy).
 */
export function probePostgres(host: string, port: number, timeoutMs = 2000): Promise<'postgres' | 'other' | 'silent' | 'unreachable'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host)
    let connected = false
    const done = (answer: 'postgres' | 'other' | 'silent' | 'unreachable') => {
      socket.destroy()
      resolve(answer)
    }
    socket.setTimeout(timeoutMs, () => done(connected ? 'silent' : 'unreachable'))
    socket.once('error', () => done('unreachable'))
    socket.once('connect', () => {
      connected = true
      socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]))
    })
    socket.once('data', (data: Buffer) => done(data.length === 1 && (data[0] === 0x53 || data[0] === 0x4e) ? 'postgres' : 'other'))
    socket.once('end', () => done('unreachable'))
  })
}
