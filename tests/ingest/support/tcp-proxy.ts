import net, { type AddressInfo } from 'node:net'

/**
 * A TCP relay between a client and PostgreSQL that a test can stop (an outage), restart on
 * the same port, or make lose the server's answer to the next COMMIT (the commit happens,
 * the client never learns it did) or to any statement (the connection drops mid-batch).
 */
export class TcpProxy {
  private server: net.Server | undefined
  private readonly sockets = new Set<net.Socket>()
  /** The statement text whose next answer is dropped, as it appears in the client's bytes. */
  private loseAnswerTo: string | undefined
  port = 0
  /** How many answers were dropped (COMMIT or otherwise). */
  commitsLost = 0
  /** How many client connections were accepted. */
  connections = 0

  constructor(private readonly target = { host: '127.0.0.1', port: 5432 }) {}

  get running(): boolean {
    return this.server !== undefined
  }

  async start(): Promise<void> {
    if (this.server) return
    const server = net.createServer((client) => this.relay(client))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  /** Stops listening and cuts every open connection. */
  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    this.dropConnections()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
  }

  /**
   * The next COMMIT sent on a fresh connection reaches the server; its answer is dropped and
   * the connection cut. (postgres.js sends the statement text only the first time on a
   * connection, hence the fresh connections.)
   */
  loseNextCommitAck(): void {
    // The statement text travels NUL-terminated after its (NUL-terminated) name.
    this.loseNextAnswerTo('\0commit\0')
  }

  /** The same for the next statement whose text contains `fragment`: the connection drops mid-batch. */
  loseNextAnswerTo(fragment: string): void {
    this.dropConnections()
    this.loseAnswerTo = fragment
  }

  private relay(client: net.Socket): void {
    this.connections++
    const upstream = net.connect(this.target.port, this.target.host)
    this.sockets.add(client)
    this.sockets.add(upstream)
    let swallowAnswer = false
    const close = () => {
      client.destroy()
      upstream.destroy()
      this.sockets.delete(client)
      this.sockets.delete(upstream)
    }
    client.on('data', (chunk: Buffer) => {
      if (this.loseAnswerTo !== undefined && chunk.includes(this.loseAnswerTo)) {
        this.loseAnswerTo = undefined
        swallowAnswer = true
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (swallowAnswer) {
        // The server has answered, so the commit is done; the client never hears of it.
        this.commitsLost++
        close()
        return
      }
      client.write(chunk)
    })
    client.on('close', close)
    upstream.on('close', close)
    client.on('error', close)
    upstream.on('error', close)
  }
}
