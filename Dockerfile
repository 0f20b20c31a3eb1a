# ModelHub container image: build the jar, jlink a runtime holding only the modules it uses, run as a
# non-root user on a small Debian base.
#   docker build -t modelhub:0.1.0 .          (or: podman build ...)
#   docker run -p 8080:8080 -e MODELHUB_ADMIN_KEY=mh-... modelhub:0.1.0
# JDK_IMAGE must be a JDK 25+; BASE_IMAGE any glibc Debian/Ubuntu base with bash and useradd.
# ARTIFACTS=prebuilt takes the jar and the jlinked runtime from target/ instead of building them (what
# deploy/image/build-local.sh does where no registry is reachable, on a base made with mmdebstrap).
ARG JDK_IMAGE=eclipse-temurin:25-jdk
ARG BASE_IMAGE=debian:bookworm-slim
ARG ARTIFACTS=build

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -q -B dependency:go-offline
COPY src src
RUN ./mvnw -q -B -DskipTests package
COPY deploy/image/jlink.sh deploy/image/jlink.sh
RUN sh deploy/image/jlink.sh "$JAVA_HOME" target/modelhub.jar /opt/jre

FROM scratch AS prebuilt
COPY target/image/jre /opt/jre
COPY target/modelhub.jar /src/target/modelhub.jar

FROM ${ARTIFACTS} AS artifacts

FROM ${BASE_IMAGE}
RUN groupadd --system --gid 10001 modelhub \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/modelhub --shell /usr/sbin/nologin modelhub \
 && mkdir -p /var/lib/modelhub /etc/modelhub \
 && chown modelhub:modelhub /var/lib/modelhub && chmod 700 /var/lib/modelhub
COPY --from=artifacts /opt/jre /opt/jre
COPY --from=artifacts /src/target/modelhub.jar /opt/modelhub/modelhub.jar
COPY deploy/image/modelhub.yaml /etc/modelhub/modelhub.yaml
COPY deploy/image/healthcheck.sh /opt/modelhub/healthcheck.sh
# The data dir is a subdirectory the hub creates 0700 itself: it refuses one that others can read
# (the token signing key and the embedded store live there), and a mounted volume's root may be open.
ENV MODELHUB_CONFIG=/etc/modelhub/modelhub.yaml \
    MODELHUB_DATA_DIR=/var/lib/modelhub/data \
    MODELHUB_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
USER 10001:10001
WORKDIR /var/lib/modelhub
VOLUME /var/lib/modelhub
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["/bin/bash", "/opt/modelhub/healthcheck.sh"]
# SIGTERM (docker stop, Kubernetes) drains: no new requests, the ones in flight finish (up to 30 s).
STOPSIGNAL SIGTERM
# -Djdk.pollerMode=1 as in the ./modelhub launcher (see docs/benchmarks.md).
ENTRYPOINT ["/opt/jre/bin/java", "-Djdk.pollerMode=1", "-jar", "/opt/modelhub/modelhub.jar"]
CMD ["serve"]
