// Writes a .br and a .gz twin beside every text file of the build (dist/), so that
// parix sends them as they are to browsers that accept them (no compression per
// request). Node's own zlib: no brotli CLI needed.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync, constants } from 'node:zlib'

const root = process.argv[2] ?? 'dist'
const packable = /\.(html|js|mjs|css|svg|json|txt|webmanifest)$/

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (packable.test(name)) pack(path)
  }
}

function pack(path) {
  const bytes = readFileSync(path)
  const br = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  })
  const gz = gzipSync(bytes, { level: 9 })
  // A twin that is not smaller is not worth sending.
  if (br.length < bytes.length) writeFileSync(path + '.br', br)
  if (gz.length < bytes.length) writeFileSync(path + '.gz', gz)
}

walk(root)
