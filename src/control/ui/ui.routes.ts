import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { PACKAGE_ROOT } from '../../config.js'
import { PassportError } from '../../core/errors.js'

/** Where the build puts the console (tsconfig.ui.json and the build script's copy step). */
export const UI_DIR = join(PACKAGE_ROOT, 'dist', 'ui')

/** The file types the console is made of; anything else in dist/ui is never served. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
}

interface UiFile {
  type: string
  body: Buffer
}

/**
 * Reads the allow-list once, on the first request (cold start does not pay for it): every
 * served name is a key of this map, so no request path is ever joined onto the file system.
 */
async function loadFiles(dir: string): Promise<Map<string, UiFile>> {
  const files = new Map<string, UiFile>()
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    // No build (dist/ui missing): every console URL is a 404 rather than a crash.
    return files
  }
  for (const name of names) {
    const type = CONTENT_TYPES[extname(name)]
    if (type !== undefined) files.set(name, { type, body: await readFile(join(dir, name)) })
  }
  return files
}

/**
 * The QA console (issue 6): `GET /_mock/ui` answers the page, `GET /_mock/ui/:file` its
 * stylesheet and scripts. Static files, so outside the OpenAPI rule (CONTRACT §5 and the
 * "OpenAPI rule" of the contract's closing notes) and exempt from the admin token: the page
 * itself asks for the token and sends it with every `/_mock` call.
 */
export async function uiRoutes(app: FastifyInstance, { dir = UI_DIR }: { dir?: string } = {}) {
  let files: Promise<Map<string, UiFile>> | undefined

  async function send(reply: FastifyReply, name: string) {
    files ??= loadFiles(dir)
    const file = (await files).get(name)
    if (!file) throw new PassportError('route_not_found')
    // no-cache: the browser revalidates, so a rebuilt console is picked up on reload.
    return reply.type(file.type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(file.body)
  }

  const options = { config: { adminExempt: true }, schema: { hide: true } }
  app.get('/_mock/ui', options, async (_request, reply) => send(reply, 'index.html'))
  app.get('/_mock/ui/', options, async (_request, reply) => send(reply, 'index.html'))
  app.get<{ Params: { file: string } }>('/_mock/ui/:file', options, async (request, reply) => send(reply, request.params.file))
}
