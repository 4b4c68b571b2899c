# The ckg API (GraphQL on Starlette). Neo4j runs in its own container (docker-compose.yml).
# The first stage builds ckg's wheel from the sources the build reads (the folders mapped in
# pyproject.toml's [tool.setuptools.package-dir]); the image installs that wheel, not editable,
# so no source tree is left in it. .ci/check-wheel builds from the same list of sources.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY ckg ./ckg
COPY graph ./graph
COPY gql ./gql
COPY loaders ./loaders
COPY cli ./cli
COPY cypher ./cypher
COPY server ./server
RUN pip wheel --no-cache-dir --no-deps -w /dist .

FROM python:3.11-slim
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-cache-dir /tmp/dist/ckg-*.whl && rm -rf /tmp/dist
WORKDIR /app
EXPOSE 8000
CMD ["ckg", "serve"]
