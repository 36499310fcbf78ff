# passport-mock image: a multi-stage build on a supported Node LTS (CONTRACT §7), pinned to a
# Node minor so a rebuild does not move to a Node the tests never ran (issue 13 §1); CI builds and
# runs this file for real (test/packaging/container.test.ts).
# Build stage: dev dependencies, better-sqlite3's native addon and the TypeScript build.
FROM node:24.18-bookworm-slim AS build
WORKDIR /app
# node-gyp's tools, in case better-sqlite3 has no prebuilt binary for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json tsconfig.ui.json ./
COPY scripts ./scripts
COPY src ./src
# Then only the compiled addon of better-sqlite3 is kept: its SQLite sources (deps/, src/) and the
# compiler's intermediates (build/Release/obj*, sqlite3.a, the test extension) were 28 MB of the
# final image (issue 13 §1); `bindings` loads build/Release/better_sqlite3.node and nothing else.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf build deps src binding.gyp \
 && mkdir -p build/Release && mv /tmp/better_sqlite3.node build/Release/
# V8's code cache of the bundle (issue 15), written by one start with the CMD's node flags (a
# cache made under other flags is rejected): the image's user cannot write dist/, so containers
# read this one instead of compiling the bundle at every start. That start needs the migrations
# and the fixtures, as the final stage does.
COPY db/migrations ./db/migrations
COPY fixtures ./fixtures
RUN node scripts/warm-code-cache.mjs --max-semi-space-size=4

# Final stage: production dependencies only (pruned above, no second native compile), non-root.
FROM node:24.18-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_PATH=/data/passport-mock.sqlite
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY db/migrations ./db/migrations
COPY fixtures ./fixtures
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# No curl in the image: Node's own fetch asks the health route.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/_mock/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command as npm start: a 4 MiB young generation keeps RSS under load ~20 MiB lower at
# no measured cost in throughput (issue 5; V8 reads the flag only at start).
CMD ["node", "--max-semi-space-size=4", "dist/server.js"]
