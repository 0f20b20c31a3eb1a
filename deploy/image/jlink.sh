#!/bin/sh
# jlink.sh JAVA_HOME JAR OUT: a Java runtime with only the modules the jar needs (found by jdeps), plus those
# it reaches by reflection or service loading, which jdeps cannot see.
set -eu
jdk=$1 jar=$2 out=$3
found=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps "$jar")
# jdk.unsupported: sun.misc.Signal (SIGHUP reload) and Unsafe users; jdk.crypto.ec and jdk.crypto.cryptoki: TLS to
# providers; java.net.http: the admin CLI and the OTLP exporter; jdk.zipfs; jdk.localedata not needed (ROOT locale).
extra=jdk.unsupported,java.net.http,jdk.crypto.ec,jdk.zipfs,java.management,java.naming,java.sql,jdk.management
rm -rf "$out"
"$jdk/bin/jlink" --add-modules "$found,$extra" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$out"
echo "jlink: $out with $("$out/bin/java" --list-modules | wc -l) modules ($(du -sh "$out" | cut -f1))"
