// Run after every install (npm's postinstall): three fixes to postgres.js 3.4.9 that the batch
// writer relies on. Each is small, marked, and checked by .ci/run; the install fails if the
// driver's code they apply to has changed (then check whether upstream fixed it).
//
// 1. Closed-socket guard. When a connection closes while a small write is still scheduled on
//    setImmediate, nextWrite() dereferences the closed socket and throws from the timer, outside
//    any await: the process dies (porsager/postgres#1154, #1208; the fix proposed in #1209). A
//    batch that sends its statements back to back meets this whenever the database drops the
//    connection mid-batch. With the guard the queries get a CONNECTION_CLOSED error and the batch
//    is retried.
// 2. A COPY FROM STDIN the server refuses after the data is sent (a replayed message breaking the
//    primary key) never settled the writable: the transaction hung and its connection stayed idle
//    in an aborted transaction (porsager/postgres#1173; the fix proposed in #1183). With the fix
//    the writable fails with the server's error and the transaction rolls back.
// 3. No Nagle delay. A COPY ends with a small CopyDone right after its data; with Nagle's algorithm
//    on, a COPY of 4,000 rows took 61–90 ms against 20–31 ms without it (the small last message
//    waits for the server to acknowledge the data). Every message the driver writes is complete,
//    so nothing is gained by holding one back.
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PATCHES } from './driver-patches.mjs'

const root = fileURLToPath(new URL('../node_modules/postgres/', import.meta.url))

let files = 0
for (const file of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js']) {
  const path = root + file
  if (!existsSync(path)) continue
  let text = readFileSync(path, 'utf8')
  for (const { mark, original, patched } of PATCHES) {
    if (text.includes(mark)) continue
    if (!text.includes(original)) {
      console.error(`db/patch-driver.mjs: ${path} no longer has the code "${mark}" applies to; check whether postgres.js fixed it upstream and update this script`)
      process.exit(1)
    }
    text = text.replace(original, patched(mark))
  }
  writeFileSync(path, text)
  files++
}
if (files === 0 && existsSync(root)) {
  console.error('db/patch-driver.mjs: no postgres.js connection.js found to patch')
  process.exit(1)
}
