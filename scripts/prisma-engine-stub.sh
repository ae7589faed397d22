#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded offline.
# `prisma generate` only checks that the binary exists; generation itself runs in WASM.
echo "schema engine unavailable: migrations are applied by npm run db:migrate" >&2
exit 1
