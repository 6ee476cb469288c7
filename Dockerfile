# Build: docker build -t embedded-ai-report .
# Run:   docker run -v $PWD/data:/app/data -v $PWD/config:/app/config -v $PWD/drafts:/app/drafts -p 5180:5180 embedded-ai-report
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props EmbeddedAiReport.sln ./
COPY src/ src/
RUN dotnet publish src/EmbeddedAiReport.Worker -c Release -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# tzdata: editorial weeks are Asia/Shanghai; the slim image may lack zone data. curl: the health check below.
RUN apt-get update && apt-get install -y --no-install-recommends tzdata curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out ./
COPY config/ ./config/
RUN mkdir -p data drafts && chown -R app:app /app
USER app
VOLUME ["/app/data", "/app/config", "/app/drafts"]
# Listen on all interfaces inside the container; publish the port only where you want it.
ENV EAIR_Report__Urls=http://0.0.0.0:5180
EXPOSE 5180
# /healthz answers 503 with a JSON reason when the database is unreachable or too many sources fail (Report:UnhealthyShare).
HEALTHCHECK --interval=1m --timeout=10s --start-period=30s --retries=3 CMD curl -fsS http://127.0.0.1:5180/healthz || exit 1
# SIGTERM (docker stop) cancels running polls; the daemon stops within 5 s, inside Docker's default 10 s grace.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "EmbeddedAiReport.Worker.dll"]
CMD ["run"]
