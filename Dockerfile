# The ckg API (GraphQL on Starlette). Neo4j runs in its own container (docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY gql ./gql
COPY loaders ./loaders
COPY cli ./cli
COPY cypher ./cypher
RUN pip install --no-cache-dir -e .
EXPOSE 8000
CMD ["ckg", "serve"]
