# syntax=docker/dockerfile:1
# Build: docker build -t etlweb .   Run: docker compose up (see docker-compose.yml)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# npm restores the browser libraries (xterm.js, cronstrue) during the build.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Restore first, from the project files alone, so that the layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ./
COPY src/EtlWeb.Core/EtlWeb.Core.csproj src/EtlWeb.Core/
COPY src/EtlWeb/EtlWeb.csproj src/EtlWeb/
RUN dotnet restore src/EtlWeb/EtlWeb.csproj
COPY wwwroot-assets/package.json wwwroot-assets/package-lock.json wwwroot-assets/copy-assets.mjs wwwroot-assets/
COPY src/ src/
RUN dotnet publish src/EtlWeb/EtlWeb.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# The three job kinds need their interpreters inside the container.
RUN apt-get update \
    && apt-get install -y --no-install-recommends bash python3 sqlite3 postgresql-client curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 etlweb \
    && mkdir /data && chown etlweb /data
WORKDIR /app
COPY --from=build /app .
USER etlweb
ENV EtlWeb__DataDirectory=/data \
    Urls=http://0.0.0.0:8080
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["dotnet", "EtlWeb.dll"]
