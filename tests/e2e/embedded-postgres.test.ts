import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import net from 'node:net'
import path from 'node:path'
import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { asPostgresUser, startEmbeddedPostgres } from '../../db/embedded.ts'
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.ts'
import { runBotUntilExit, startBot } from '../support/run-bot.ts'

// `npm start` without DATABASE_URL: the bot runs its own PostgreSQL under DATA_DIR.
// Where root has no postgres user, the embedded server would create one on this host: those
// cases run only in the emulated fresh host below.
const asRootWithoutPostgresUser = process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0
describe('the bot without DATABASE_URL', () => {
  let base = ''
  afterAll(async () => {
    if (base) await rm(base, { recursive: true, force: true })
  })

  // Under a hardened umask (027), with a DATA_DIR the bot makes itself: as root, the server runs
  // as the postgres user, which must still pass the directories the bot made.
  it.runIf(!asRootWithoutPostgresUser)('starts an embedded PostgreSQL on its own port, stores updates there and keeps them across restarts', async () => {
    const api = await startFakeBotApi()
    base = await mkdtemp(path.join(tmpdir(), 'tg-embedded-'))
    await chmod(base, 0o755)
    const dataDir = path.join(base, 'var', 'data')
    const run = () => {
      const child = spawn('sh', ['-c', 'umask 027 && exec "$0" --import tsx bot/main.ts', process.execPath], {
        env: { PATH: process.env.PATH, BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      return { child, exited: new Promise<number | null>((r) => child.once('exit', (code) => r(code))) }
    }
    const message = (id: number) => ({
      message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: -1001234, type: 'supergroup', title: 'Local' },
        from: { id: 77, is_bot: false, first_name: 'Ann' }, text: `m${id}` },
    })
    try {
      let bot = run()
      api.pushUpdate(message(1) as never)
      await storedBeforeExit(api, bot.exited, 'the first update to be stored')
      bot.child.kill('SIGTERM')
      expect(await bot.exited).toBe(0)

      bot = run()
      api.pushUpdate(message(2) as never)
      await storedBeforeExit(api, bot.exited, 'the second update to be stored')
      bot.child.kill('SIGTERM')
      expect(await bot.exited).toBe(0)

      const settings = JSON.parse(await readFile(path.join(dataDir, 'embedded-postgres.json'), 'utf8')) as { port: number; password: string }
      expect(settings.port).not.toBe(5432)
      // The bot stopped its server on SIGTERM; start it again only to read what was stored.
      const embedded = await startEmbeddedPostgres(dataDir)
      const sql = postgres(embedded.url, { max: 1, onnotice: () => {} })
      const rows = await sql<{ message_id: number }[]>`SELECT message_id FROM messages ORDER BY message_id`
      await sql.end()
      await embedded.stop()
      expect(rows.map((r) => r.message_id)).toEqual([1, 2])
    } finally {
      await api.close()
    }
  }, 180_000)

  // A terminal's Ctrl-C signals the whole process group. The server must not be in it: it would
  // stop at once, and the updates in flight could not be committed before the bot exits.
  // Then a kill -9: the server outlives the bot, the next start reuses it, and its stop stops it.
  it.runIf(!asRootWithoutPostgresUser)('Ctrl-C (SIGINT to the process group) commits the updates in flight; after a kill -9 the next run reuses the server and stops it', async () => {
    const api = await startFakeBotApi()
    const { scratch, dataDir } = await scratchDataDir('tg-ctrl-c-')
    const run = (env: Record<string, string> = {}) => {
      // detached: a process group of its own, led by the bot, as a shell gives a foreground job.
      const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
        env: { PATH: process.env.PATH, BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'], detached: true,
      })
      let output = ''
      child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
      child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
      return { child, output: () => output, exited: new Promise<number | null>((r) => child.once('exit', (code) => r(code))) }
    }
    const message = (id: number) => ({
      message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: -1004321, type: 'supergroup', title: 'Terminal' },
        from: { id: 79, is_bot: false, first_name: 'Ida' }, text: `m${id}` },
    })
    const settingsFile = path.join(dataDir, 'embedded-postgres.json')
    const serverUp = () => existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))
    try {
      // Batches wait 10 s to fill: the updates are surely in flight when Ctrl-C comes.
      let bot = run({ BATCH_MAX_DELAY_MS: '10000' })
      await api.waitFor(() => api.getUpdatesCalls > 0, 120_000, 'the bot to poll')
      const before = api.getUpdatesCalls
      // Few enough that the bot asks again at once: by then it has handed them all to the writer.
      api.pushUpdates(Array.from({ length: 40 }, (_, i) => message(i + 1)) as never)
      await api.waitFor(() => api.getUpdatesCalls > before, 30_000, 'the updates to be handed out')
      expect(api.pending()).toHaveLength(40)
      process.kill(-bot.child.pid!, 'SIGINT')
      expect(await bot.exited, bot.output()).toBe(0)
      expect(api.pending()).toEqual([])
      expect(serverUp()).toBe(false)

      bot = run()
      api.pushUpdate(message(41) as never)
      await storedBeforeExit(api, bot.exited, 'the update after the restart to be stored')
      bot.child.kill('SIGKILL')
      await bot.exited
      expect(serverUp()).toBe(true)

      bot = run()
      api.pushUpdate(message(42) as never)
      await storedBeforeExit(api, bot.exited, 'the update after the kill to be stored')
      expect(bot.output()).toContain('reusing the embedded PostgreSQL that is already running')
      const settings = JSON.parse(await readFile(settingsFile, 'utf8')) as { port: number; password: string }
      const sql = postgres({ host: '127.0.0.1', port: settings.port, user: 'postgres', password: settings.password, database: 'analytics', max: 1, onnotice: () => {} })
      const [row] = await sql<{ n: number; distinct: number }[]>`SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS distinct FROM messages`
      await sql.end()
      expect(row).toEqual({ n: 42, distinct: 42 })
      bot.child.kill('SIGTERM')
      expect(await bot.exited, bot.output()).toBe(0)
      expect(serverUp()).toBe(false)
    } finally {
      await api.close()
      if (serverUp()) spawnSync('sh', ['-c', `kill -INT "$(head -1 '${path.join(dataDir, 'postgres', 'postmaster.pid')}')"`])
      await rm(scratch, { recursive: true, force: true })
    }
  }, 300_000)

  it.runIf(!asRootWithoutPostgresUser)('a stop while the embedded server is starting stops it too, and leaves no lease behind', async () => {
    const { scratch, dataDir } = await scratchDataDir('tg-early-stop-')
    try {
      // Initialised once, so that the run below gets to starting the server quickly.
      await (await startEmbeddedPostgres(dataDir)).stop()
      const { bot, exited, output } = startBot({ BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', TELEGRAM_API_ROOT: 'http://127.0.0.1:9', DATA_DIR: dataDir, LOG_LEVEL: 'info' })
      const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid')
      const until = Date.now() + 60_000
      while (!existsSync(pidFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 5))
      expect(existsSync(pidFile)).toBe(true)
      bot.kill('SIGINT')
      expect(await exited).toBe(0)
      expect(output()).toContain('"msg":"stopped"')
      expect(existsSync(pidFile)).toBe(false)
      expect(await readdir(path.join(dataDir, 'running'))).toEqual([])
    } finally {
      const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid')
      if (existsSync(pidFile)) spawnSync('sh', ['-c', `kill -INT "$(head -1 '${pidFile}')"`])
      await rm(scratch, { recursive: true, force: true })
    }
  }, 120_000)

  // Stopping the embedded server takes a while: long enough for the start, left alone, to carry on
  // meanwhile into a database the stop has closed (it used to end with a crash and exit code 1).
  it.runIf(!asRootWithoutPostgresUser)('a stop while the command menu is being registered: nothing more starts, exit code 0', async () => {
    const { scratch, dataDir } = await scratchDataDir('tg-menu-stop-')
    const api = await startFakeBotApi()
    api.on('setMyCommands', async () => {
      await new Promise((r) => setTimeout(r, 20))
      return true
    })
    try {
      await (await startEmbeddedPostgres(dataDir)).stop()
      const { bot, exited, output } = startBot({ BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: dataDir, LOG_LEVEL: 'info' })
      await api.waitForCall('setMyCommands', undefined, 60_000)
      bot.kill('SIGTERM')
      expect(await exited, output()).toBe(0)
      expect(output()).toContain('"msg":"stopped"')
      expect(output()).not.toContain('fatal')
      expect(api.callsTo('getUpdates')).toEqual([])
      expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false)
    } finally {
      const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid')
      if (existsSync(pidFile)) spawnSync('sh', ['-c', `kill -INT "$(head -1 '${pidFile}')"`])
      await api.close()
      await rm(scratch, { recursive: true, force: true })
    }
  }, 120_000)

  it.runIf(!asRootWithoutPostgresUser)('a run that reused the server leaves it running while another bot process still uses it', async () => {
    const { scratch, dataDir } = await scratchDataDir('tg-shared-')
    const warnings: string[] = []
    const log = { info: () => {}, debug: () => {}, warn: (_: object, msg?: string) => { warnings.push(msg ?? '') } }
    const first = await startEmbeddedPostgres(dataDir, log)
    try {
      // A lease left by a process that is gone (kill -9) does not count: pid 2^22 + 1 is above Linux's highest.
      await writeFile(path.join(dataDir, 'running', '4194305-dead'), '')
      const second = await startEmbeddedPostgres(dataDir, log)
      // Idle, the first holds no connection at all: it is its lease that keeps the server up.
      await second.stop()
      expect(warnings).toEqual(['another bot process uses the embedded PostgreSQL; it is left running'])
      const sql = postgres(first.url, { max: 1, onnotice: () => {} })
      expect(await sql<{ one: number }[]>`SELECT 1 AS one`).toEqual([{ one: 1 }])
      await sql.end()
      await first.stop()
      expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false)
      expect(warnings).toHaveLength(1)
    } finally {
      await first.stop().catch(() => {})
      await rm(scratch, { recursive: true, force: true })
    }
  }, 120_000)

  it.runIf(!asRootWithoutPostgresUser)('a server of this DATA_DIR that runs but answers late is waited for and reused, its port kept', async () => {
    const { scratch, dataDir } = await scratchDataDir('tg-slow-')
    const settingsFile = path.join(dataDir, 'embedded-postgres.json')
    const first = await startEmbeddedPostgres(dataDir)
    const pid = Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0])
    const kept = await readFile(settingsFile, 'utf8')
    const said: string[] = []
    const log = { info: (_: object, msg?: string) => { said.push(msg ?? '') }, debug: () => {}, warn: (_: object, msg?: string) => { said.push(msg ?? '') } }
    try {
      // Stopped, it holds its port and answers nothing (as one recovering or overloaded may).
      process.kill(pid, 'SIGSTOP')
      const second = startEmbeddedPostgres(dataDir, log)
      const until = Date.now() + 30_000
      while (!said.includes('the embedded PostgreSQL runs but does not answer yet; waiting for it') && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      process.kill(pid, 'SIGCONT')
      const reused = await second
      expect(said).toContain('reusing the embedded PostgreSQL that is already running')
      expect(await readFile(settingsFile, 'utf8')).toBe(kept)
      expect(reused.url).toBe(first.url)
      await reused.stop()
    } finally {
      process.kill(pid, 'SIGCONT')
      await first.stop().catch(() => {})
      await rm(scratch, { recursive: true, force: true })
    }
  }, 120_000)

  it.runIf(!asRootWithoutPostgresUser)('a kept port that another program holds since: the server moves to a new port and keeps it', async () => {
    const { scratch, dataDir } = await scratchDataDir('tg-port-')
    const settingsFile = path.join(dataDir, 'embedded-postgres.json')
    const squatter = net.createServer((socket) => socket.end('HTTP/1.0 400 Bad Request\r\n\r\n'))
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r))
    const taken = (squatter.address() as net.AddressInfo).port
    await mkdir(dataDir, { recursive: true })
    await writeFile(settingsFile, JSON.stringify({ port: taken, password: 'kept-password' }))
    const warnings: object[] = []
    const log = { info: () => {}, debug: () => {}, warn: (o: object) => { warnings.push(o) } }
    const embedded = await startEmbeddedPostgres(dataDir, log)
    try {
      const kept = JSON.parse(await readFile(settingsFile, 'utf8')) as { port: number; password: string }
      expect(kept.password).toBe('kept-password')
      expect(kept.port).not.toBe(taken)
      expect(warnings).toEqual([{ taken, port: kept.port }])
      expect(embedded.url).toContain(`:${kept.port}/`)
      const sql = postgres(embedded.url, { max: 1, onnotice: () => {} })
      expect(await sql<{ one: number }[]>`SELECT 1 AS one`).toEqual([{ one: 1 }])
      await sql.end()
    } finally {
      await embedded.stop()
      squatter.close()
      await rm(scratch, { recursive: true, force: true })
    }
  }, 120_000)

  it.runIf(!asRootWithoutPostgresUser && existsSync('/proc/self/comm'))('a postmaster.pid left by a crash whose number another program has now (after a reboot) does not block the start', async () => {
    const { scratch, dataDir } = await scratchDataDir('tg-pid-')
    let cleanup = () => {}
    try {
      await (await startEmbeddedPostgres(dataDir)).stop()
      // A program of the server's own user has the number now (PostgreSQL ignores one it may not
      // signal): as root a sleep run as postgres, else this test's own process.
      const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())
      const squatter = process.getuid?.() === 0 ? spawn('sleep', ['60'], { uid: id('-u'), gid: id('-g') }) : undefined
      cleanup = () => squatter?.kill()
      const pid = squatter?.pid ?? process.pid
      await writeFile(path.join(dataDir, 'postgres', 'postmaster.pid'), `${pid}\n${path.join(dataDir, 'postgres')}\n`)
      const embedded = await startEmbeddedPostgres(dataDir)
      const sql = postgres(embedded.url, { max: 1, onnotice: () => {} })
      expect(await sql<{ one: number }[]>`SELECT 1 AS one`).toEqual([{ one: 1 }])
      await sql.end()
      await embedded.stop()
    } finally {
      cleanup()
      await rm(scratch, { recursive: true, force: true })
    }
  }, 120_000)

  it('a DATA_DIR that cannot be made (under a file): one line naming it, exit code 1', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'tg-notdir-'))
    try {
      await writeFile(path.join(scratch, 'file'), '')
      const dataDir = path.join(scratch, 'file', 'data')
      const { code, output } = await runBotUntilExit(
        { BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', TELEGRAM_API_ROOT: 'http://127.0.0.1:9', DATA_DIR: dataDir, LOG_LEVEL: 'info' }, 60_000)
      expect(code).toBe(1)
      const lines = output.trim().split('\n')
      expect(lines.filter((line) => line.includes('"level":60'))).toHaveLength(1)
      expect(lines.find((line) => line.includes('"level":60'))).toContain(`DATA_DIR: cannot write ${dataDir} (ENOTDIR`)
      expect(output).not.toContain('    at ')
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  }, 90_000)

  // As root the server runs as the postgres user: a DATA_DIR under a directory closed to it is
  // said in one line before initdb runs (initdb would fail with a trace of its own).
  it.runIf(process.getuid?.() === 0 && !asRootWithoutPostgresUser)('as root, a DATA_DIR the postgres user cannot reach: one line naming it, exit code 1', async () => {
    const closed = await mkdtemp(path.join(tmpdir(), 'tg-closed-'))
    try {
      await chmod(closed, 0o700)
      const dataDir = path.join(closed, 'data')
      await mkdir(dataDir)
      const { code, output } = await runBotUntilExit(
        { BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', TELEGRAM_API_ROOT: 'http://127.0.0.1:9', DATA_DIR: dataDir, LOG_LEVEL: 'info' }, 60_000)
      expect(code).toBe(1)
      const fatal = output.trim().split('\n').filter((line) => line.includes('"level":60'))
      expect(fatal).toHaveLength(1)
      expect(fatal[0]).toContain(`DATA_DIR: the postgres user cannot reach ${dataDir}`)
      expect(output).not.toContain('initdb')
    } finally {
      await rm(closed, { recursive: true, force: true })
    }
  }, 90_000)

  // initdb reads the superuser's password from a file the embedded server writes in the temporary
  // directory, with the process's umask: as root it must be readable by postgres and by nobody else.
  it.runIf(process.getuid?.() === 0 && !asRootWithoutPostgresUser && spawnSync('id', ['-u', 'nobody']).status === 0)(
    'as root, initdb\'s password file is readable by postgres and by no one else, under any umask', async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'tg-initdb-test-'))
      await chmod(dataDir, 0o755)
      const systemTmp = tmpdir()
      // The most common umask, under which the file itself is readable by all.
      const previous = process.umask(0o022)
      try {
        await asPostgresUser(dataDir, async () => {
          // As embedded-postgres writes it.
          const file = path.join(tmpdir(), 'pg-password-test')
          await writeFile(file, 'secret\n')
          expect(path.dirname(file).startsWith(dataDir)).toBe(true)
          expect(spawnSync('runuser', ['-u', 'postgres', '--', 'cat', file], { encoding: 'utf8' }).stdout).toBe('secret\n')
          expect(spawnSync('runuser', ['-u', 'nobody', '--', 'cat', file]).status).not.toBe(0)
        })
        // Put back as they were.
        expect(process.umask(0o022)).toBe(0o022)
        expect(tmpdir()).toBe(systemTmp)
      } finally {
        process.umask(previous)
        await rm(dataDir, { recursive: true, force: true })
      }
    })

  // A fresh host (a new VPS, say) where the bot runs as root and no postgres user exists yet:
  // the embedded server creates the user and then runs as it. Emulated in a mount namespace
  // whose /etc is a copy without that user, so the machine's own users are left alone.
  const canEmulateFreshHost = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0

  it.runIf(canEmulateFreshHost)('as root on a host without a postgres user: creates it, initialises DATA_DIR and stores updates', async () => {
    const api = await startFakeBotApi()
    const host = await freshHost()
    const dataDir = path.join(host.scratch, 'data')
    const hostPasswd = await readFile('/etc/passwd', 'utf8')
    const bot = host.runBot({ BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: dataDir, LOG_LEVEL: 'info' })
    try {
      api.pushUpdate({ message: { message_id: 5, date: Math.floor(Date.now() / 1000), chat: { id: -1009876, type: 'supergroup', title: 'Fresh' },
        from: { id: 78, is_bot: false, first_name: 'Eve' }, text: 'hello' } } as never)
      await storedBeforeExit(api, bot.exited, 'the update to be stored')
      // Read back while the bot's server runs, with the port and password it keeps in DATA_DIR.
      const settings = JSON.parse(await readFile(path.join(dataDir, 'embedded-postgres.json'), 'utf8')) as { port: number; password: string }
      const sql = postgres({ host: '127.0.0.1', port: settings.port, user: 'postgres', password: settings.password, database: 'analytics', max: 1, onnotice: () => {} })
      const rows = await sql<{ chat_id: string; message_id: number }[]>`SELECT chat_id::text, message_id FROM messages`
      await sql.end()
      expect(rows).toEqual([{ chat_id: '-1009876', message_id: 5 }])
      expect(await readFile(path.join(host.etc, 'passwd'), 'utf8')).toMatch(/^postgres:/m)
      expect(await readFile('/etc/passwd', 'utf8')).toBe(hostPasswd)
      expect(bot.output()).toContain('embedded PostgreSQL is running')
      bot.child.kill('SIGTERM')
      expect(await bot.exited).toBe(0)
    } catch (error) {
      bot.child.kill('SIGKILL')
      throw new Error(`${String(error)}\nbot output:\n${bot.output()}`)
    } finally {
      await api.close()
      await bot.exited
      await host.remove(path.join(dataDir, 'postgres'))
    }
  }, 180_000)

  it.runIf(canEmulateFreshHost)('as root on a host without a postgres user, a DATA_DIR under a closed directory, or linked to one: one line naming it, exit code 1', async () => {
    const host = await freshHost()
    try {
      const closed = path.join(host.scratch, 'private')
      await mkdir(path.join(closed, 'data'), { recursive: true, mode: 0o700 })
      await symlink(path.join(closed, 'data'), path.join(host.scratch, 'link'))
      for (const dataDir of [path.join(closed, 'data'), path.join(host.scratch, 'link')]) {
        const bot = host.runBot({ BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', TELEGRAM_API_ROOT: 'http://127.0.0.1:9', DATA_DIR: dataDir, LOG_LEVEL: 'info' })
        expect(await bot.exited, bot.output()).toBe(1)
        const fatal = bot.output().trim().split('\n').filter((line) => line.includes('"level":60'))
        expect(fatal).toHaveLength(1)
        expect(fatal[0]).toContain(`DATA_DIR: the postgres user cannot reach ${dataDir}`)
        expect(bot.output()).not.toContain('initdb')
      }
    } finally {
      await host.remove()
    }
  }, 90_000)
})

/** Waits until every queued update is stored (its offset confirmed); fails at once if the bot exits first. */
function storedBeforeExit(api: FakeBotApi, exited: Promise<number | null>, label: string): Promise<unknown> {
  return Promise.race([
    api.waitFor(() => api.pending().length === 0, 120_000, label),
    exited.then((code) => { if (api.pending().length > 0) throw new Error(`the bot exited (code ${code}) before ${label}`) }),
  ])
}

/**
 * A scratch directory with a copy of /etc that has no postgres user, and a way to run the bot in
 * a mount namespace that sees that copy as /etc. useradd there is told (in the copy) to make no
 * home directory or mail spool, which would land outside it.
 */
async function freshHost() {
  const scratch = await mkdtemp(path.join(tmpdir(), 'tg-fresh-host-'))
  await chmod(scratch, 0o755)
  const etc = path.join(scratch, 'etc')
  await cp('/etc', etc, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true })
  const edit = async (file: string, change: (text: string) => string) => {
    const text = await readFile(path.join(etc, file), 'utf8').catch(() => undefined)
    if (text !== undefined) await writeFile(path.join(etc, file), change(text))
  }
  for (const file of ['passwd', 'group', 'shadow', 'gshadow']) await edit(file, (t) => t.split('\n').filter((l) => !l.startsWith('postgres:')).join('\n'))
  await edit('login.defs', (t) => `${t.replace(/^CREATE_HOME\b.*$/gm, '')}\nCREATE_HOME no\n`)
  await edit('default/useradd', (t) => `${t.replace(/^CREATE_MAIL_SPOOL\b.*$/gm, '')}\nCREATE_MAIL_SPOOL=no\n`)
  return {
    scratch,
    etc,
    runBot(env: Record<string, string>) {
      const child = spawn('unshare', ['-m', 'sh', '-c', 'mount --bind "$1" /etc && exec "$0" --import tsx bot/main.ts', process.execPath, etc], {
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
      child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
      return { child, exited, output: () => output }
    },
    /** Removes it all; first stops a server left running in `databaseDir` (the bot stops its own unless killed). */
    async remove(databaseDir?: string) {
      const pid = databaseDir ? Number((await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]) : 0
      const comm = pid > 0 ? await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '') : ''
      if (comm.trim() === 'postgres') {
        process.kill(pid, 'SIGQUIT')
        for (let waited = 0; existsSync(`/proc/${pid}`) && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50))
      }
      await rm(scratch, { recursive: true, force: true })
    },
  }
}

/** A scratch directory any user may pass, and a DATA_DIR in it that does not exist yet. */
async function scratchDataDir(prefix: string): Promise<{ scratch: string; dataDir: string }> {
  const scratch = await mkdtemp(path.join(tmpdir(), prefix))
  await chmod(scratch, 0o755)
  return { scratch, dataDir: path.join(scratch, 'data') }
}
