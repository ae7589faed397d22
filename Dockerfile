# syntax=docker/dockerfile:1
# Node.js 24 LTS (maintained until April 2028; package.json's engines say what the code supports), pinned by full
# version and by the digest of the tag's multi-platform index, so every rebuild starts from the same base. To move
# to a newer release: `docker buildx imagetools inspect node:24.x.y-bookworm-slim` prints the index digest
# ("Digest: sha256:…"); put tag and digest here. .ci/run reads the version from this line for its PostgreSQL pass.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim@sha256:2fe369e969550cde8e867afc3fe370b260140cab4a23d467074295b42163d553

# Build: compile TypeScript and generate the Prisma client (WebAssembly; no engine download needed).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
# Only the schema: the client is generated from it, and a migration edit then does not re-run the install.
COPY prisma/schema.prisma ./prisma/schema.prisma
COPY scripts/prisma-engine-stub.sh ./scripts/prisma-engine-stub.sh
# Dependencies' install scripts stay off, as the local npm leaves them: Prisma's engines would download binaries and
# @parcel/watcher would try to compile. The client generates with the engine stub, exactly as `npm ci` does locally.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm run prisma:generate
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies, compiled code and the SQL migrations only.
FROM ${NODE_IMAGE} AS runtime
# Memory (README, Performance → Memory; npm run bench starts Tally with these two values):
# - GLIBC_TUNABLES: a fixed mmap threshold for glibc's malloc (its default starting value, which glibc otherwise
#   raises to the largest block freed), so large blocks go back to the system when freed instead of staying in a
#   thread's arena: scrypt's 16 MB for each client-secret check, in libuv's threads, kept 39 MB resident.
# - NODE_OPTIONS: Node.js 24 sizes the young generation at 128 MB on a large host, where Node.js 20 takes 32 MB;
#   32 MB (16 MB semi-spaces) served the credits list at the same req/s with 100 MB less RSS.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    EMBEDDED_DATA_DIR=/app/data/pglite \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072 \
    NODE_OPTIONS=--max-semi-space-size=16
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma/migrations ./prisma/migrations
RUN mkdir -p /app/data && chown node:node /app/data
# The embedded database (EMBEDDED_DATABASE=true, demos only) keeps its files here; a volume outlives the container.
VOLUME /app/data
USER node
# 9464: /metrics when run with METRICS_PORT=9464 (see README, Deployment).
EXPOSE 3000 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrations are a release step, run before new replicas start: docker run ... node dist/cli/migrate.js
CMD ["node", "dist/server.js"]
