// Runs before `npm run lint`, `npm test` and `npm run build`: on a fresh checkout (or after
// package-lock.json changed) installs exactly what the lock file says, so these commands work
// without a separate `npm ci` instead of failing with "eslint: not found".
import { spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import process from 'node:process'

const modifiedAt = (path) => {
  try {
    return statSync(new URL(path, import.meta.url)).mtimeMs
  } catch {
    return undefined
  }
}

const installed = modifiedAt('../node_modules/.package-lock.json')
const locked = modifiedAt('../package-lock.json')
if (installed === undefined || (locked !== undefined && installed < locked)) {
  process.stderr.write('web dependencies missing or older than package-lock.json: running npm ci\n')
  const npm = process.env.npm_execpath
  const run = npm
    ? spawnSync(process.execPath, [npm, 'ci', '--no-audit', '--no-fund'], { stdio: 'inherit' })
    : spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', shell: true })
  process.exit(run.status ?? 1)
}
