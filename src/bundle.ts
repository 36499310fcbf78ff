/**
 * What the bundle (dist/server.cjs, scripts/build.mjs) holds and gives its loaders: `main` for
 * `npm start` and the image (dist/server.js), `runServer` for `passport-mock serve` (src/cli.ts).
 * Neither runs on import: each loader calls the one it wants.
 */
export { main } from './server.js'
export { runServer } from './run-server.js'
