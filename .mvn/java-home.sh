# Sourced by ./mvnw and ./modelhub: ModelHub needs JDK 25 or newer, and machines often have an older
# default java beside a newer JDK. Picks JAVA_HOME if it is new enough, else the java on PATH, else the
# newest JDK 25+ under the usual install folders; stops with a clear message when there is none.
modelhub_java_major() {
  "$1" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}
modelhub_java_ok() {
  [ -x "$1/bin/java" ] || return 1
  _m=$(modelhub_java_major "$1/bin/java")
  [ -n "$_m" ] && [ "$_m" -ge 25 ]
}
if ! { [ -n "${JAVA_HOME:-}" ] && modelhub_java_ok "$JAVA_HOME"; }; then
  _found=""
  if command -v java >/dev/null 2>&1; then
    _path_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    modelhub_java_ok "$_path_home" && _found="$_path_home"
  fi
  if [ -z "$_found" ]; then
    for _dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
      if modelhub_java_ok "$_dir"; then _found="$_dir"; fi
    done
  fi
  if [ -z "$_found" ]; then
    echo "ModelHub needs a JDK 25 or newer (found: ${JAVA_HOME:-no JAVA_HOME}, $(java -version 2>&1 | head -n 1))." >&2
    echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME="$_found"
  export JAVA_HOME
fi
