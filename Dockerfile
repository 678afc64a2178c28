# podfit's container image: `podfit` as the entrypoint (deploy/deployment.yaml runs `serve`).
#
#   docker build -t ghcr.io/podfit/podfit:0.1.0 .
#   docker run --rm -p 8888:8888 ghcr.io/podfit/podfit:0.1.0 serve --cluster examples/cluster.yaml
#
# Three stages: `build` compiles the WebAssembly kernels and the TypeScript with the dev tools,
# `deps` installs the production dependencies only, and the runtime stage copies the two results
# onto a slim Node 20 image. The runtime writes no files (logs go to stdout), runs as a non-root
# numeric user, and so works with `readOnlyRootFilesystem: true`.
#
# scripts/image-check.sh performs the deps and runtime stages' steps on the built tree without a
# container engine (part of `npm test`); keep the two in step (test/scripts/image-check.test.ts checks the
# runtime stage copies what the script copies).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: npm ci with dev dependencies, then the WASM modules (build/) and the JS (dist/) -------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) needs the sources, copied below; no dependency has
# install scripts.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY asconfig.json tsconfig.json tsconfig.build.json ./
COPY scripts/build-wasm.js scripts/
COPY assembly/ assembly/
COPY src/ src/
RUN npm run build

# --- deps: production dependencies only ----------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules/ node_modules/
COPY --from=build /src/dist/ dist/
COPY --from=build /src/build/ build/
COPY package.json ./
COPY bin/ bin/
COPY examples/ examples/
# `podfit` on the PATH (the entrypoint, and for `docker exec`); files stay root-owned, read-only
# to the user. podfit runs as PID 1 and handles SIGTERM itself (drain, then exit 0).
RUN chmod 0755 /app/bin/podfit.js && ln -s /app/bin/podfit.js /usr/local/bin/podfit
# deploy/deployment.yaml's runAsUser/runAsGroup; numeric so kubelet can verify runAsNonRoot.
USER 65532:65532
EXPOSE 8888
ENTRYPOINT ["podfit"]
CMD ["--help"]
