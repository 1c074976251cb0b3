#!/usr/bin/env bash
# Builds the same generated site with guide and with Hugo and reports, for
# each size, the median wall time (hyperfine), the median user time and peak
# memory (/usr/bin/time -v), and the ratio guide/Hugo taken in the same run;
# then the bundled guide's own build time. See benches/README.md.
#
#   benches/compare.sh [SIZE...]        default sizes: 1000 10000
#
# Environment:
#   GUIDE=path      the guide binary (default target/release/guide; it is
#                   copied first, so a rebuild during the run changes nothing)
#   WORK=dir        corpora, outputs and results (default target/bench)
#   RUNS=n          hyperfine runs per size (default 10, 5 at 10,000 pages
#                   and more, 3 at 100,000 and more)
#   MEM_RUNS=n      /usr/bin/time -v runs per tool and size (default 3)
#   TIMEOUT=s       bound on each single build, in seconds (default 900)
#   MEM_LIMIT=MiB   a build whose resident memory passes this is stopped and
#                   reported as such (default 12288), so that a large corpus
#                   cannot exhaust a shared machine
#   SEARCH=0|1      whether to also time guide with `[search] enabled =
#                   true`; by default, yes when the guide binary knows the
#                   `[search]` key (the comparison corpus then says
#                   `enabled = false`, so that Hugo and guide do the same work)
#   BUNDLED=0       skip the bundled guide's build
#   NICE=n          run everything at this niceness (root may give a negative
#                   one, to measure on a machine busy with other work)
set -euo pipefail
[ -z "${NICE:-}" ] || renice -n "$NICE" -p $$ >/dev/null

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
work=${WORK:-$repo/target/bench}
mem_runs=${MEM_RUNS:-3}
timeout_s=${TIMEOUT:-900}
mem_limit_kib=$(( ${MEM_LIMIT:-12288} * 1024 ))
guide_src=${GUIDE:-$repo/target/release/guide}

die() { echo "compare.sh: $*" >&2; exit 1; }
for tool in hugo hyperfine rustc timeout; do
    command -v "$tool" >/dev/null || die "needs \`$tool\` (apt-get install hugo hyperfine)"
done
[ -x /usr/bin/time ] || die "needs GNU time at /usr/bin/time (apt-get install time)"
[ -x "$guide_src" ] || die "no guide binary at $guide_src: run \`cargo build --release\` first"

mkdir -p "$work/bin" "$work/out" "$work/results"
work=$(cd "$work" && pwd)
guide="$work/bin/guide"
cp "$guide_src" "$guide"

# The generator needs only the standard library: compiled with rustc alone,
# so running the benchmark never rebuilds the crate being measured.
corpus="$work/bin/corpus"
if [ ! -x "$corpus" ] || [ examples/corpus.rs -nt "$corpus" ]; then
    echo "compiling examples/corpus.rs"
    rustc --edition 2021 -C opt-level=3 examples/corpus.rs -o "$corpus"
fi
corpus_id=$(sha256sum examples/corpus.rs | cut -c1-16)

# Does this guide know `[search]`? (Unknown keys are errors.) If so, search is
# switched off for the comparison and timed on its own.
probe="$work/probe"
rm -rf "$probe"
"$corpus" --pages 10 --out "$probe" --search off >/dev/null
if "$guide" check --root "$probe" -q >/dev/null 2>&1; then
    guide_args=(--search off)
    search=${SEARCH:-1}
else
    guide_args=()
    search=0
    [ "${SEARCH:-0}" = 0 ] || die "SEARCH=1, but this guide does not know the [search] key"
fi
rm -rf "$probe"

# Generates a corpus once; regenerated when the generator changes.
generate() { # size flavour dir [extra args]
    local size=$1 flavour=$2 dir=$3
    shift 3
    local stamp="$corpus_id $size $flavour $*"
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then
        return
    fi
    rm -rf "$dir"
    local args=(--pages "$size" --out "$dir")
    [ "$flavour" = hugo ] && args+=(--hugo)
    "$corpus" "${args[@]}" "$@" >/dev/null
    echo "$stamp" >"$dir/.stamp"
}

guide_cmd() { echo "$guide build --root $1 --output $2"; }
hugo_cmd() { echo "hugo --source $1 --destination $2 --quiet"; }

median() { sort -n | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# Runs one build under /usr/bin/time -v, appending its report to LOG.
timed() { # log output-dir command...
    local log=$1 out=$2
    shift 2
    rm -rf "$out"
    timeout "$timeout_s" /usr/bin/time -v -o "$log.one" "$@" >/dev/null 2>"$log.stderr" ||
        { cat "$log.stderr" "$log.one" >&2; die "failed: $*"; }
    cat "$log.one" >>"$log"
}

descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }

# Stops any process under PID whose resident memory passes the limit, and
# says so in FLAG.
watch_memory() { # pid flag
    local p rss
    while kill -0 "$1" 2>/dev/null; do
        for p in $(descendants "$1"); do
            rss=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
            if [ "${rss:-0}" -gt "$mem_limit_kib" ]; then
                echo "stopped above $((mem_limit_kib / 1024)) MiB" >"$2"
                kill "$p" 2>/dev/null || true
            fi
        done
        sleep 0.5
    done
}

# Like `timed`, watched by watch_memory; fails (status 1) instead of dying.
guarded() { # flag log output-dir command...
    local flag=$1 pid watcher
    shift
    rm -f "$flag"
    (timed "$@") &
    pid=$!
    watch_memory "$pid" "$flag" &
    watcher=$!
    local rc=0
    wait "$pid" || rc=$?
    kill "$watcher" 2>/dev/null || true
    wait "$watcher" 2>/dev/null || true
    return "$rc"
}

# Prints "median-user-seconds median-max-rss-kib" of a log of timed runs.
time_medians() {
    local user rss
    user=$(awk -F': ' '/User time \(seconds\)/ {print $2}' "$1" | median)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$1" | median)
    echo "$user $rss"
}

# Median wall seconds of command NAME from a hyperfine CSV export.
csv_median() { awk -F, -v n="$2" 'NR > 1 && $1 == n {print $4}' "$1"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
ms() { awk -v s="$1" 'BEGIN {printf "%.0f", s * 1000}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }

summary="$work/results/summary.md"
{
    echo "# guide vs Hugo, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, Linux $(uname -r)"
    echo "- guide: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ' + uncommitted changes'), binary sha256 $(sha256sum "$guide" | cut -c1-12)"
    echo "- $(hugo version | cut -d' ' -f1-2), $(hyperfine --version), $(rustc -V | cut -d' ' -f1-2)"
    echo "- work folder: $work ($(df --output=fstype "$work" | tail -1)), niceness $(ps -o ni= -p $$ | tr -d ' ')"
    echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| pages | guide wall | Hugo wall | wall ratio | guide user | Hugo user | user ratio | guide peak RSS | Hugo peak RSS | RSS ratio |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$summary"

declare -A wall_guide rss_guide
search_rows=()
for size in "${sizes[@]}"; do
    g="$work/corpus-$size/guide"
    h="$work/corpus-$size/hugo"
    echo "== $size pages: generating"
    generate "$size" guide "$g" "${guide_args[@]}"
    generate "$size" hugo "$h"
    og="$work/out/guide-$size"
    oh="$work/out/hugo-$size"

    # One checked build each, under the memory guard: both must write the
    # same pages. Hugo may be stopped by the guard; guide must succeed.
    log_g="$work/results/time-guide-$size.log"
    log_h="$work/results/time-hugo-$size.log"
    : >"$log_g"
    : >"$log_h"
    echo "== $size pages: checked builds"
    guarded "$work/results/guard-guide" "$log_g" "$og" $(guide_cmd "$g" "$og") ||
        die "guide failed at $size pages $(cat "$work/results/guard-guide" 2>/dev/null)"
    hugo_ok=1
    if ! guarded "$work/results/guard-hugo" "$log_h" "$oh" $(hugo_cmd "$h" "$oh"); then
        [ -f "$work/results/guard-hugo" ] || die "Hugo failed at $size pages"
        hugo_ok=0
        echo "Hugo $(cat "$work/results/guard-hugo"): left out at $size pages"
    fi
    if [ "$hugo_ok" = 1 ]; then
        n_g=$(find "$og" -name index.html | wc -l)
        n_h=$(find "$oh" -name index.html | wc -l)
        [ "$n_g" = "$n_h" ] || die "guide wrote $n_g pages, Hugo $n_h"
    fi

    runs=${RUNS:-$( [ "$size" -ge 100000 ] && echo 3 || { [ "$size" -ge 10000 ] && echo 5 || echo 10; } )}
    # The checked builds have warmed the cache already; one more warm-up
    # run is cheap below 100,000 pages.
    warmup=$( [ "$size" -ge 100000 ] && echo 0 || echo 1 )
    commands=(--prepare "rm -rf $og" -n guide "$(guide_cmd "$g" "$og")")
    [ "$hugo_ok" = 1 ] && commands+=(--prepare "rm -rf $oh" -n hugo "$(hugo_cmd "$h" "$oh")")
    # Search on: its own corpus, checked under the guard like the others.
    gs="$work/corpus-$size/guide-search"
    ogs="$og-search"
    log_s="$work/results/time-guide-search-$size.log"
    : >"$log_s"
    search_ok=$search
    if [ "$search" = 1 ]; then
        generate "$size" guide "$gs" --search on
        if ! guarded "$work/results/guard-search" "$log_s" "$ogs" $(guide_cmd "$gs" "$ogs"); then
            [ -f "$work/results/guard-search" ] || die "guide (search on) failed at $size pages"
            search_ok=0
            echo "guide, search on, $(cat "$work/results/guard-search"): left out at $size pages"
        fi
    fi
    [ "$search_ok" = 0 ] ||
        commands+=(--prepare "rm -rf $ogs" -n guide-search "$(guide_cmd "$gs" "$ogs")")
    echo "== $size pages: hyperfine ($runs runs each)"
    csv="$work/results/hyperfine-$size.csv"
    timeout $((timeout_s * (runs + 1) * 3)) \
        hyperfine --warmup "$warmup" --runs "$runs" -N \
        --export-csv "$csv" --export-json "$work/results/hyperfine-$size.json" \
        "${commands[@]}"

    echo "== $size pages: /usr/bin/time -v ($mem_runs runs each, alternating)"
    # The checked builds above count as the first of these runs.
    for _ in $(seq 2 "$mem_runs"); do
        timed "$log_g" "$og" $(guide_cmd "$g" "$og")
        [ "$hugo_ok" = 0 ] || timed "$log_h" "$oh" $(hugo_cmd "$h" "$oh")
        [ "$search_ok" = 0 ] || timed "$log_s" "$ogs" $(guide_cmd "$gs" "$ogs")
    done
    read -r user_g rss_g < <(time_medians "$log_g")
    wg=$(csv_median "$csv" guide)
    wall_guide[$size]=$wg
    rss_guide[$size]=$rss_g
    if [ "$hugo_ok" = 1 ]; then
        read -r user_h rss_h < <(time_medians "$log_h")
        wh=$(csv_median "$csv" hugo)
        printf '| %s | %s ms | %s ms | %s | %s ms | %s ms | %s | %s MiB | %s MiB | %s |\n' \
            "$size" "$(ms "$wg")" "$(ms "$wh")" "$(ratio "$wg" "$wh")" \
            "$(ms "$user_g")" "$(ms "$user_h")" "$(ratio "$user_g" "$user_h")" \
            "$(mib "$rss_g")" "$(mib "$rss_h")" "$(ratio "$rss_g" "$rss_h")" >>"$summary"
    else
        printf '| %s | %s ms | %s | | %s ms | | | %s MiB | | |\n' \
            "$size" "$(ms "$wg")" "Hugo $(cat "$work/results/guard-hugo")" \
            "$(ms "$user_g")" "$(mib "$rss_g")" >>"$summary"
    fi
    if [ "$search" = 1 ] && [ "$search_ok" = 0 ]; then
        search_rows+=("| $size | $(ms "$wg") ms | $(cat "$work/results/guard-search") | | $(ms "$user_g") ms | | $(mib "$rss_g") MiB | |")
    elif [ "$search" = 1 ]; then
        read -r user_s rss_s < <(time_medians "$log_s")
        ws=$(csv_median "$csv" guide-search)
        search_rows+=("$(printf '| %s | %s ms | %s ms | %s | %s ms | %s ms | %s MiB | %s MiB |' \
            "$size" "$(ms "$wg")" "$(ms "$ws")" "$(ratio "$ws" "$wg")" \
            "$(ms "$user_g")" "$(ms "$user_s")" "$(mib "$rss_g")" "$(mib "$rss_s")")")
    fi
done

if [ "${BUNDLED:-1}" = 1 ]; then
    echo "== the bundled guide"
    ob="$work/out/bundled"
    hyperfine --warmup 3 --runs 20 -N --export-csv "$work/results/hyperfine-bundled.csv" \
        --prepare "rm -rf $ob" -n bundled "$(guide_cmd "$repo" "$ob")"
    {
        echo
        echo "Bundled guide (\`guide build\` of this repository): median $(ms "$(csv_median "$work/results/hyperfine-bundled.csv" bundled)") ms wall."
    } >>"$summary"
fi

{
    if [ "$search" = 1 ]; then
        echo
        echo "Search, guide alone (same runs):"
        echo
        echo "| pages | search off, wall | search on, wall | on/off | off, user | on, user | off, peak RSS | on, peak RSS |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
        printf '%s\n' "${search_rows[@]}"
    else
        echo
        echo "Search: this guide does not know the \`[search]\` key; search-on figures skipped."
    fi
    echo
    echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ -n "${wall_guide[10000]:-}" ] && [ -n "${wall_guide[100000]:-}" ]; then
        echo
        echo "100,000 pages: $(ratio "${wall_guide[100000]}" "${wall_guide[10000]}")× the 10,000-page wall time; peak RSS $(mib "${rss_guide[100000]}") MiB."
    fi
} >>"$summary"
echo
cat "$summary"
