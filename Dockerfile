# syntax=docker/dockerfile:1
# Build: docker build -t etlweb .   Run: docker compose up -d (see docker-compose.yml)
# tests/EtlWeb.Tests/Packaging/DockerfileTests.cs runs this file's build stage, and starts the app as the runtime
# stage does, without Docker: a file a COPY names must exist in the repository.

# The .NET 10 images are Ubuntu 24.04 (noble); the apt package names below are that release's.
# The SDK is pinned to the one the package lock files were written with: it adds the Blazor framework assets
# package at its own ASP.NET Core version (Microsoft.AspNetCore.App.Internal.Assets in src/EtlWeb/packages.lock.json),
# so another SDK patch fails the locked restore until the lock files are regenerated with it.
FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
# Restore first, from the project files, their package lock files and the shared build settings alone, so that
# the layer is reused until a dependency changes. Locked mode takes exactly the locked packages or fails.
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ./
COPY src/EtlWeb.Core/EtlWeb.Core.csproj src/EtlWeb.Core/packages.lock.json src/EtlWeb.Core/
COPY src/EtlWeb/EtlWeb.csproj src/EtlWeb/packages.lock.json src/EtlWeb/
RUN dotnet restore src/EtlWeb/EtlWeb.csproj --locked-mode
COPY src/ src/
RUN dotnet publish src/EtlWeb/EtlWeb.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS runtime
# The three job kinds need their programs inside the container: bash for shell jobs, python3 (and python3-venv for a
# job's own environment) for Python jobs, and the SQL clients of the connections (sqlite3, psql, mysql; sqlcmd is not
# in Ubuntu's archive, see the README). curl is for the HEALTHCHECK; tini is PID 1.
RUN apt-get update \
    && apt-get install -y --no-install-recommends bash python3 python3-venv sqlite3 postgresql-client default-mysql-client curl tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 etlweb \
    && mkdir -m 700 /data && chown etlweb /data
WORKDIR /app
COPY --from=build /app .
COPY --chmod=755 docker/etlweb-init /usr/local/bin/etlweb-init
USER etlweb
# All interfaces: the container's own network namespace is the boundary, and sign-in guards every page and API
# call; docker-compose.yml publishes the port on 127.0.0.1 only. Urls decides the address (appsettings.json names
# loopback), so the base image's ASPNETCORE_HTTP_PORTS is emptied: beside Urls it only logs a warning at each start.
ENV EtlWeb__DataDirectory=/data \
    Urls=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS=
VOLUME /data
EXPOSE 8080
# /health answers 503 until the Hangfire server has registered and the scheduler has ticked, so failures in the
# first minute do not count.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD curl -fsS http://127.0.0.1:8080/health || exit 1
# tini reaps every orphan; etlweb-init starts EtlWeb again after a crash or a restart asked for from the UI or the API,
# so running jobs (each in a session of its own) live on in the container and are adopted. docker stop ends both.
ENTRYPOINT ["tini", "--", "etlweb-init", "dotnet", "EtlWeb.dll"]
