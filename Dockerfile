# The service image: `docker-compose up` runs it beside PostgreSQL and Redis (docker-compose.yml).
FROM node:20-slim

WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000

# Dependencies first, so that a code change does not reinstall them. tsx (which runs the TypeScript)
# is a runtime dependency; the dev tools are left out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY --chown=node:node . .
USER node

EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

CMD ["npm", "start"]
