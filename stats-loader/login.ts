import { createInterface } from 'node:readline/promises'
import { Writable } from 'node:stream'
import pino from 'pino'
import { TelegramClient } from 'telegram'
import { StringSession } from 'telegram/sessions/index.js'
import { ConfigError, loadLoginConfig } from './config.ts'
import { PinoBridge } from './connect-client.ts'

const CONNECT_TIMEOUT_MS = 30_000

// `npm run stats-loader:login`: the one interactive step. Prompts go to stderr and the session
// string alone to stdout, so `npm run -s stats-loader:login > session.txt` captures just the secret.

let muted = false
const output = new Writable({
  write(chunk, _encoding, done) {
    if (!muted) process.stderr.write(chunk)
    done()
  },
})
const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true })
let finished = false
// Without this, input ending mid-login would leave nothing to wait for and exit 0 silently.
rl.on('close', () => {
  if (finished) return
  process.stderr.write('\nInput ended before the login finished; no session was created.\n')
  process.exit(1)
})

async function ask(question: string, hidden = false): Promise<string> {
  process.stderr.write(question)
  muted = hidden
  try {
    return (await rl.question('')).trim()
  } finally {
    muted = false
    if (hidden) process.stderr.write('\n')
  }
}

async function login(): Promise<number> {
  let config
  try {
    config = loadLoginConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    return 2
  }
  const client = new TelegramClient(new StringSession(''), config.apiId, config.apiHash, {
    connectionRetries: 3,
    baseLogger: new PinoBridge(pino({ level: 'silent' })),
  })
  try {
    const connected = await Promise.race([
      client.connect().then(() => true, () => false),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), CONNECT_TIMEOUT_MS).unref()),
    ])
    if (!connected || !client.connected) {
      process.stderr.write('Cannot reach Telegram. Check the network (and any proxy) and try again.\n')
      return 1
    }
    await client.start({
      phoneNumber: () => ask('Phone number of the admin account, international format (+4915112345678): '),
      phoneCode: (viaApp) => ask(`Login code ${viaApp ? 'shown in your Telegram app' : 'sent by SMS'}: `),
      password: (hint) => ask(`Two-step verification password${hint ? ` (hint: ${hint})` : ''}: `, true),
      onError: (error) => {
        process.stderr.write(`Telegram said: ${error.message}\n`)
      },
    })
    const session = client.session.save() as unknown as string
    process.stderr.write('\nLogged in. Keep the line below secret: it is MTPROTO_SESSION and acts as this account’s login.\n\n')
    process.stdout.write(`${session}\n`)
    return 0
  } finally {
    finished = true
    rl.close()
    await client.destroy().catch(() => {})
  }
}

login().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Login failed: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
