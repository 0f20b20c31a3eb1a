# Sourced by bench/run.sh and bench/streams.sh: write_report FILE COMMAND RESULTS writes a Markdown
# section for docs/benchmarks.md: the machine, the command, and the run's table (RESULTS is the script's
# whitespace-separated results file, its first line the column names).
write_report() {
  local file=$1 command=$2 results=$3
  {
    echo "Machine: \`nproc\` $(nproc) ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
    echo "Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $(nginx -v 2>&1 | sed 's/.*: //'),"
    echo "$(command -v wrk >/dev/null && wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), node $(node --version 2>/dev/null || echo none)."
    echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), load average before it: ${LOAD_BEFORE:-unknown}."
    echo
    echo "Command: \`$command\`"
    echo
    awk 'NR == 1 { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n|"; for (i = 1; i <= NF; i++) printf "---|"; printf "\n"; next }
         NF > 0 { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n" }' "$results"
  } > "$file"
  echo "bench: report for docs/benchmarks.md in $file" >&2
}
