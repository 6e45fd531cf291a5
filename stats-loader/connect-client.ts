import { Api, TelegramClient, errors } from 'telegram'
import { Logger as GramjsLogger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import type { Logger } from 'pino'
import type { MtprotoInvoker } from './client.ts'

export interface ConnectOptions {
  apiId: number
  apiHash: string
  session: string
  connectTimeoutMs: number
  log: Logger
}

export interface ConnectedClient {
  invoker: MtprotoInvoker
  homeDc: number
  selfId: string
  /** Destroys the client: closes every DC connection and stops gramjs's ping loop. */
  close(): Promise<void>
}

/** The session cannot be used: missing, malformed, revoked or logged out. Never retried. */
export class SessionError extends Error {}

// gramjs writes to the console by default; its chatter goes to pino at debug, problems at warn/error.
// gramjs also dumps raw errors with console.error wherever canSend(ERROR) is true (reconnect loops);
// those are noise next to our own reports, so ERROR is answered "no" and error() is forwarded directly.
export class PinoBridge extends GramjsLogger {
  constructor(private readonly pinoLog: Logger) {
    super(LogLevel.INFO)
  }

  override canSend(level: LogLevel): boolean {
    return level !== LogLevel.ERROR && super.canSend(level)
  }

  override error(message: string): void {
    this.pinoLog.error(message)
  }

  override log(level: LogLevel, message: string): void {
    if (level === LogLevel.WARN) this.pinoLog.warn(message)
    else this.pinoLog.debug(message)
  }
}

const UNAUTHORIZED = /^(AUTH_KEY_UNREGISTERED|AUTH_KEY_INVALID|SESSION_REVOKED|SESSION_EXPIRED|USER_DEACTIVATED(_BAN)?|AUTH_KEY_PERM_EMPTY)$/

/** Connects with the saved session and checks it is still authorized; never prompts. */
export async function connectClient(options: ConnectOptions): Promise<ConnectedClient> {
  let session: StringSession
  try {
    session = new StringSession(options.session)
  } catch (error) {
    throw new SessionError(`MTPROTO_SESSION is not a valid session string (${(error as Error).message}); run \`npm run stats-loader:login\` again`)
  }
  const log = options.log.child({ component: 'gramjs' })
  const client = new TelegramClient(session, options.apiId, options.apiHash, {
    // FLOOD_WAITs reach our own handler (client.ts), which knows the per-peer policy.
    floodSleepThreshold: 0,
    connectionRetries: 3,
    autoReconnect: true,
    baseLogger: new PinoBridge(log),
  })
  const close = async () => {
    await client.destroy().catch((error: unknown) => log.warn({ err: error }, 'disconnect failed'))
  }
  try {
    await timeout(client.connect(), options.connectTimeoutMs, 'connecting to Telegram')
    const [me] = await timeout(client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] })), options.connectTimeoutMs, 'checking the session')
    if (!(me instanceof Api.User) || me.bot) throw new SessionError('MTPROTO_SESSION must be a user account session, not a bot')
    const homeDc = client.session.dcId
    return {
      homeDc,
      selfId: me.id.toString(),
      // Requests for the home DC go through the main connection rather than a second, exported one.
      invoker: { invoke: (request, dcId) => client.invoke(request, dcId === homeDc ? undefined : dcId) },
      close,
    }
  } catch (error) {
    await close()
    if (error instanceof errors.RPCError && (error.code === 401 || UNAUTHORIZED.test(error.errorMessage ?? ''))) {
      throw new SessionError(`the MTProto session was revoked or logged out (${error.errorMessage}); run \`npm run stats-loader:login\` again`)
    }
    throw error
  }
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}
