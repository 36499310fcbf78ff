/**
 * A reason the server (or an offline CLI command) cannot start, said in one line that tells
 * what to do (issue 11 item 11): the entry points print `passport-mock: <message>` on stderr,
 * with no stack trace, and exit 1.
 */
export class StartupError extends Error {
  override name = 'StartupError'

  constructor(message: string) {
    // One line, whatever a wrapped message (SQLite's, the file system's) held.
    super(message.replace(/\s*\n\s*/g, ' '))
  }
}
