// The fixes db/patch-driver.mjs applies to postgres.js 3.4.9 (why: see that script), each with
// the mark that shows it applied; bot/main.ts refuses to start without them (db/driver-check.ts).
export const PATCHES = [
  {
    mark: '/* tg-analytics: closed-socket guard */',
    original: `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`,
    patched: (mark) => `  function nextWrite(fn) {
    ${mark}
    if (socket === null) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`,
  },
  {
    mark: '/* tg-analytics: failed COPY settles */',
    original: `  function errored(err) {
    stream && (stream.destroy(err), stream = null)`,
    patched: (mark) => `  function errored(err) {
    stream && (stream.destroy(err), stream = null)
    ${mark}
    final && (final(err), final = null)`,
  },
  {
    mark: '/* tg-analytics: no Nagle delay */',
    original: `      keep_alive && socket.setKeepAlive && socket.setKeepAlive(true, 1000 * keep_alive)`,
    patched: (mark) => `      keep_alive && socket.setKeepAlive && socket.setKeepAlive(true, 1000 * keep_alive)
      ${mark}
      socket.setNoDelay && socket.setNoDelay(true)`,
  },
]
