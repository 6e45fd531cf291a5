// Run after every install (npm's postinstall): guards postgres.js 3.4.9 against a known crash.
// When a connection closes while a small write is still scheduled on setImmediate, nextWrite()
// dereferences the closed socket and throws from the timer, outside any await: the process dies
// (porsager/postgres#1154, #1208; the fix proposed in #1209 is applied here). A batch that
// sends its statements back to back meets this whenever the database drops the connection
// mid-batch. With the guard the queries get a CONNECTION_CLOSED error and the batch is retried.
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../node_modules/postgres/', import.meta.url))
const MARK = '/* tg-analytics: closed-socket guard */'
const ORIGINAL = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`
const GUARDED = `  function nextWrite(fn) {
    ${MARK}
    if (socket === null) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`

let patched = 0
for (const file of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js']) {
  const path = root + file
  if (!existsSync(path)) continue
  const text = readFileSync(path, 'utf8')
  if (text.includes(MARK)) { patched++; continue }
  if (!text.includes(ORIGINAL)) {
    console.error(`db/patch-driver.mjs: ${path} no longer has the unguarded nextWrite(); check whether postgres.js fixed it upstream and update this script`)
    process.exit(1)
  }
  writeFileSync(path, text.replace(ORIGINAL, GUARDED))
  patched++
}
if (patched === 0 && existsSync(root)) {
  console.error('db/patch-driver.mjs: no postgres.js connection.js found to guard')
  process.exit(1)
}
