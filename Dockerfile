# The service image: `docker-compose up` runs it beside PostgreSQL and Redis (docker-compose.yml).
# Two stages: the first compiles the TypeScript (`npm run build`, dev dependencies included); the image
# runs the compiled JavaScript with plain `node` (no transpiler at run time) on production dependencies.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY menus ./menus
COPY migrations ./migrations
COPY scripts ./scripts
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000

# Dependencies first, so that a code change does not reinstall them; the dev tools are left out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# The reference data and the demo set are read from data/ at start (relative to /app).
COPY --chown=node:node data ./data
COPY --from=build --chown=node:node /app/dist ./dist
# The web phone's and the console's pages and browser code (TypeScript, compiled by esbuild at the first
# request: docs/web-phone-and-console.md), beside the compiled module that serves them.
COPY --from=build --chown=node:node /app/src/http/web/assets ./dist/src/http/web/assets
COPY --from=build --chown=node:node /app/src/http/web/browser ./dist/src/http/web/browser
USER node

EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

# `node` itself, not `npm start`: SIGTERM reaches the service directly (graceful shutdown), and no
# transpiler runs. Operator commands in the image: `node dist/scripts/migrate.js` (import, seed,
# rotate-key alike).
CMD ["node", "dist/src/main.js"]
