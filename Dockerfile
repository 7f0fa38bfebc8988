# syntax=docker/dockerfile:1
# tcp-echo image: build the jar first (./mvnw -DskipTests package), then `docker build -t tcp-echo:0.1.0 .`
# The Helm chart (helm/tcp-echo) relies on the USER, EXPOSE, WORKDIR and ENTRYPOINT below; HelmImageTests keeps them in step.

# Split the executable jar into Spring Boot's layers, so a code change rebuilds only the small application layer.
FROM eclipse-temurin:25-jre AS layers
WORKDIR /build
COPY target/tcp-echo.jar tcp-echo.jar
RUN java -Djarmode=tools -jar tcp-echo.jar extract --layers --destination extracted

FROM eclipse-temurin:25-jre
# A fixed numeric UID/GID, so Kubernetes' runAsNonRoot can verify it and the chart's runAsUser matches.
RUN groupadd --system --gid 10001 tcpecho \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tcpecho
# Spring Boot reads ./config/application.yml from here; the chart mounts its ConfigMap over /app/config.
WORKDIR /app
# Least-changing layer first.
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
COPY config/application.yml config/application.yml
USER 10001:10001
# 7007: the echo port (echo.tcp.port); 8080: Actuator health probes and Prometheus scrape (server.port).
EXPOSE 7007 8080
# The extracted tcp-echo.jar is a thin jar whose manifest lists lib/; `client ...` arguments run the client mode.
ENTRYPOINT ["java", "-jar", "/app/tcp-echo.jar"]
