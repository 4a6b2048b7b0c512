#!/usr/bin/env bash
# The benchmark (`make bench`): planex ingest at corpus scale, side by side in
# the same run with a naive regex pass (bench/naive.c) and pandoc on the DOCX
# part. Prints a human summary on stderr and, last on stdout, one JSON line
# with every figure. See docs/performance.md.
#
#   bench/run.sh [--plans N] [--seed S] [--pandoc-max M] [--stage-sample K]
#                [--repeat R] [--build DIR] [--work DIR] [--keep]
#
# N plans (default $PX_BENCH_PLANS or 10000), made from the bundled corpora
# with a fixed seed; pandoc runs on the first M DOCX plans (default 200: one
# process per file, as an analyst runs it), and planex ingests those same M
# files on their own for the ratio; the per-stage timer runs on the first K
# plans (default 1000). Every planex and naive run is made R times (default 3)
# and the fastest counts: on a shared machine the minimum is the least noisy.
set -eu
cd "$(dirname "$0")/.."
src=$PWD

plans=${PX_BENCH_PLANS:-10000}
seed=534
pandoc_max=200
sample=1000
repeat=3
build=${PX_BENCH_BUILD:-build-bench}
work=
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --plans) plans=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --pandoc-max) pandoc_max=$2; shift 2 ;;
    --stage-sample) sample=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    [0-9]*) plans=$1; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option '$1'" >&2; exit 2 ;;
  esac
done

log() { echo "bench: $*" >&2; }

if [ -z "${PX_BENCH_NO_BUILD:-}" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target planex gen_corpus naive stages >/dev/null
fi
planex=$build/planex
tools=$build/bench

if [ -z "$work" ]; then
  work=$(mktemp -d)
  [ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
fi
rm -rf "$work/corpus" "$work"/*.db "$work"/*.db-* "$work"/*.json
mkdir -p "$work/corpus/text" "$work/corpus/html" "$work/corpus/docx" "$work/sub"
corpus=$work/corpus

# Run a command; append {"name", "wall": s, "cpu": s, "rss_kb": k, "rc": r} to $work/runs.
# Wall time, CPU time (user + sys) and the peak RSS of the process tree come from python's
# resource module. A name measured several times counts by its fastest run.
measure() {
  local name=$1
  shift
  python3 - "$name" "$work/runs" "$@" <<'EOF'
import json, resource, subprocess, sys, time
name, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t = time.monotonic()
rc = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "a") as f:
    f.write(json.dumps({"name": name, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
                        "rss_kb": ru.ru_maxrss, "rc": rc}) + "\n")
EOF
}
: >"$work/runs"

log "generating $plans plans (seed $seed) in $corpus"
"$tools/gen_corpus" "$src" "$corpus" "$plans" "$seed"

# 1. planex ingest of each format on its own (a fresh database each time), then of the
# whole corpus, whose database the later steps start from.
for i in $(seq "$repeat"); do
  for f in text html docx; do
    log "planex ingest: $f ($i/$repeat)"
    rm -f "$work/$f.db" "$work/$f.db"-*
    measure "ingest_$f" "$planex" ingest -q --db "$work/$f.db" "$corpus/$f"
    rm -f "$work/$f.db" "$work/$f.db"-*
  done
  log "planex ingest: all formats ($i/$repeat)"
  rm -f "$work/all.db" "$work/all.db"-*
  measure ingest_all "$planex" ingest -q --db "$work/all.db" "$corpus"
done

# 2. the same corpus again: every plan unchanged (content hash only).
log "planex ingest again (unchanged)"
measure reingest "$planex" ingest -q --db "$work/all.db" "$corpus"

# 3. after a rule edit: reextract from the stored blocks, with a copy of the rules
# edited the way a maintainer edits them. Three edits: a narrow one (one target
# rule dropped: it touches the plans that set a digital-skills target, about one
# in seven here), a wide one (a metric renamed: the electronic-exchange target
# is in every plan here), both of which run the targets stage alone, and one
# that every stage reads (an agency alias dropped: every stage runs again).
# Documents whose records come out the same are not written; the summary line
# says how many changed and how many went each way, kept for the figures.
edit_rules() {
  rm -rf "$work/rules-$1"
  cp -r "$src/rules" "$work/rules-$1"
  case $1 in
    narrow) sed -i '/^@target.digital_skills_training$/,/^$/d' "$work/rules-$1/targets.rules" ;;
    wide) sed -i 's/^metric: electronic_document_exchange$/metric: other:e-exchange\nunit: %/' \
      "$work/rules-$1/targets.rules" ;;
    agency) sed -i 's/|VP UBND tỉnh|/|/' "$work/rules-$1/agencies.tsv" ;;
  esac
  if diff -r -q "$work/rules-$1" "$src/rules" >/dev/null; then
    log "rule edit '$1' changed nothing"
    exit 1
  fi
}
for e in narrow wide agency; do
  edit_rules "$e"
  for i in $(seq "$repeat"); do
    cp "$work/all.db" "$work/re-$e.db"
    log "planex reextract after a rule edit: $e ($i/$repeat)"
    measure "reextract_$e" sh -c "'$planex' reextract --db '$work/re-$e.db' \
      --rules '$work/rules-$e' 2>'$work/re-$e.log'"
    sed 's/^.*(\([0-9]*\) changed.*$/\1/' "$work/re-$e.log" | tail -1 >"$work/re-$e.changed"
    sed -n 's/^.*every stage ran on \([0-9]*\), the targets stage alone on \([0-9]*\), none on \([0-9]*\).*$/\1 \2 \3/p' \
      "$work/re-$e.log" | tail -1 >"$work/re-$e.stages"
    rm -f "$work/re-$e.db" "$work/re-$e.db"-*
  done
done

# 4. parallel ingest, when the command offers -j.
if "$planex" ingest --help | grep -q -- '-j'; then
  for i in $(seq "$repeat"); do
    log "planex ingest -j 2 ($i/$repeat)"
    rm -f "$work/j2.db" "$work/j2.db"-*
    measure ingest_j2 "$planex" ingest -q -j 2 --db "$work/j2.db" "$corpus"
  done
fi

# 5. the naive reference pass on the text part.
find "$corpus/text" -type f | sort >"$work/text.list"
for i in $(seq "$repeat"); do
  log "naive reference pass: text ($i/$repeat)"
  rm -f "$work/naive.db" "$work/naive.db"-*
  measure naive sh -c "'$tools/naive' '$src/rules' '$work/naive.db' - <'$work/text.list'"
done

# 6. pandoc on the first M DOCX plans, and planex ingest on exactly those files.
find "$corpus/docx" -type f | sort | head -n "$pandoc_max" >"$work/docx.list"
mkdir -p "$work/sub/docx"
xargs -a "$work/docx.list" cp -t "$work/sub/docx"
if command -v pandoc >/dev/null; then
  log "pandoc -t plain: $(wc -l <"$work/docx.list") DOCX files"
  measure pandoc sh -c "while read -r f; do pandoc -t plain \"\$f\" >/dev/null || exit 1; done <'$work/docx.list'"
else
  log "pandoc not installed (scripts/install-deps.sh --with-bench): no pandoc figures"
fi
for i in $(seq "$repeat"); do
  rm -f "$work/sub.db" "$work/sub.db"-*
  measure ingest_docx_sub "$planex" ingest -q --db "$work/sub.db" "$work/sub/docx"
done

# 7. time per stage on the first K plans.
find "$corpus" -type f | awk -F/ '{print $NF "\t" $0}' | sort | cut -f2 | head -n "$sample" >"$work/sample.list"
log "stages: $(wc -l <"$work/sample.list") plans"
"$tools/stages" "$src/rules" "$work/stages.db" $(cat "$work/sample.list") >"$work/stages.json"

# 8. HTML against DOCX like for like: the plans of each format made from the bundled plans
# that exist in both formats (gen_corpus's manifest), at most K/2 of each, timed by stage
# (the sum of the stages) R times; text bytes per second of each format.
for f in html docx; do
  awk -F'\t' -v f="$f/" '
    { split($1, d, "/"); fmt[$2, d[1]] = 1; row[NR] = $0 }
    END { for (i = 1; i <= NR; i++) { split(row[i], c, "\t")
            if (index(c[1], f) == 1 && fmt[c[2], "html"] && fmt[c[2], "docx"]) print c[1] } }' \
    "$corpus/manifest.tsv" | head -n $((sample / 2)) | sed "s#^#$corpus/#" >"$work/same-$f.list"
  : >"$work/same-$f.json"
  for i in $(seq "$repeat"); do
    rm -f "$work/same.db" "$work/same.db"-*
    "$tools/stages" "$src/rules" "$work/same.db" $(cat "$work/same-$f.list") >>"$work/same-$f.json"
    echo >>"$work/same-$f.json"
  done
done
log "HTML and DOCX made from the same plans: $(wc -l <"$work/same-html.list") and $(wc -l <"$work/same-docx.list") files"

python3 - "$work" "$plans" "$seed" "$repeat" <<'EOF'
import json, os, sys
work, plans, seed, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
runs = {}  # by name, the fastest run; its peak RSS the largest of them
for line in open(os.path.join(work, "runs")):
    r = json.loads(line)
    old = runs.get(r["name"])
    if old:
        r["rss_kb"] = max(r["rss_kb"], old["rss_kb"])
        r["rc"] = max(r["rc"], old["rc"])
        if old["wall"] < r["wall"]:
            r["wall"], r["cpu"] = old["wall"], old["cpu"]
    runs[r["name"]] = r
stages = json.load(open(os.path.join(work, "stages.json")))

def same_rate(fmt):  # text MB/s of the fastest stages run over the like-for-like plans
    best = None
    for line in open(os.path.join(work, "same-%s.json" % fmt)):
        if not line.strip():
            continue
        st = json.loads(line)
        secs = sum(st[k] for k in ("read", "parse", "normalise", "extract", "store"))
        rate = st[fmt + "_text_bytes"] / 1e6 / secs if secs > 0 else None
        if rate and (best is None or rate > best):
            best = rate
    return best
def changed(edit):
    try:
        return int(open(os.path.join(work, "re-%s.changed" % edit)).read())
    except (OSError, ValueError):
        return None
def stages_run(edit):  # how many plans got every stage, the targets stage alone, nothing
    try:
        v = [int(x) for x in open(os.path.join(work, "re-%s.stages" % edit)).read().split()]
        return dict(zip(("every", "targets_only", "none"), v)) if len(v) == 3 else None
    except (OSError, ValueError):
        return None
def size(d):
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
def count(d):
    return len(os.listdir(d))
corpus = os.path.join(work, "corpus")
b = {f: size(os.path.join(corpus, f)) for f in ("text", "html", "docx")}
n = {f: count(os.path.join(corpus, f)) for f in ("text", "html", "docx")}
sub = os.path.join(work, "sub", "docx")
wall = {f: runs["ingest_" + f]["wall"] for f in ("text", "html", "docx")}
total_wall = runs["ingest_all"]["wall"]
total_bytes = sum(b.values())
mbs = lambda nbytes, s: nbytes / 1e6 / s if s > 0 else None
ratio = lambda a, c: a / c if a and c else None

def get(name, key="wall"):
    r = runs.get(name)
    return r[key] if r and r["rc"] in (0, 1) else None

naive_mbs = mbs(b["text"], get("naive"))
text_mbs = mbs(b["text"], wall["text"])
pandoc_s = get("pandoc")
sub_s = get("ingest_docx_sub")
html_text_bytes = stages.get("html_text_bytes") or 0
docx_text_bytes = stages.get("docx_text_bytes") or 0
# text bytes per second, scaled from the stage sample's text/file-byte ratio
def text_rate(fmt):
    fb = stages.get(fmt + "_bytes") or 0
    tb = stages.get(fmt + "_text_bytes") or 0
    return b[fmt] * (tb / fb) / 1e6 / wall[fmt] if fb and wall[fmt] else None
EDITS = ("narrow", "wide", "agency")
fig = {
    "plans": plans, "seed": seed, "repeat": repeat, "files": n, "bytes": b,
    "mb": total_bytes / 1e6,
    "ingest_seconds": total_wall,
    "ingest_mb_s": mbs(total_bytes, total_wall),
    "ingest_plans_s": plans / total_wall if total_wall else None,
    "ingest_mb_s_by_format": {f: mbs(b[f], wall[f]) for f in wall},
    "text_mb_s_by_format": {f: text_rate(f) for f in ("html", "docx")},
    "same_plans_text_mb_s": {f: same_rate(f) for f in ("html", "docx")},
    "peak_rss_mb": max(runs[k]["rss_kb"] for k in ("ingest_all", "ingest_text", "ingest_html",
                                                    "ingest_docx")) / 1024,
    "stages_seconds": {k: stages[k] for k in ("read", "parse", "normalise", "extract", "store")},
    "stages_plans": sum(stages.get(f + "_files", 0) for f in ("text", "html", "docx")),
    "naive_mb_s": naive_mbs,
    "ratio_text_vs_naive": ratio(text_mbs, naive_mbs),
    "pandoc_files": count(sub), "pandoc_seconds": pandoc_s, "planex_docx_seconds_same_files": sub_s,
    "ratio_docx_vs_pandoc": ratio(pandoc_s, sub_s),
    "reingest_seconds": get("reingest"),
    "ratio_first_vs_reingest": ratio(total_wall, get("reingest")),
    "reextract_seconds": {e: get("reextract_" + e) for e in EDITS},
    "reextract_changed": {e: changed(e) for e in EDITS},
    "reextract_stages": {e: stages_run(e) for e in EDITS},
    "ratio_ingest_vs_reextract": {e: ratio(total_wall, get("reextract_" + e)) for e in EDITS},
    "ingest_j2_seconds": get("ingest_j2"),
    "ratio_j2_speedup": ratio(total_wall, get("ingest_j2")),
    "cpu_seconds": {k: r["cpu"] for k, r in sorted(runs.items())},
}
for k, v in [("ingest", f"{fig['ingest_mb_s']:.2f} MB/s, {fig['ingest_plans_s']:.1f} plans/s"),
             ("peak RSS", f"{fig['peak_rss_mb']:.1f} MB")]:
    print(f"bench: {k}: {v}", file=sys.stderr)
for k in ("ratio_text_vs_naive", "ratio_docx_vs_pandoc", "ratio_first_vs_reingest",
          "ratio_j2_speedup"):
    v = fig[k]
    print(f"bench: {k}: {'n/a' if v is None else f'{v:.2f}x'}", file=sys.stderr)
same = fig["same_plans_text_mb_s"]
if same["html"] and same["docx"]:
    print(f"bench: text MB/s, HTML vs DOCX made from the same plans: {same['html']:.2f} vs "
          f"{same['docx']:.2f}", file=sys.stderr)
for e, v in fig["ratio_ingest_vs_reextract"].items():
    st = fig["reextract_stages"][e] or {}
    print(f"bench: ratio_ingest_vs_reextract ({e} edit, {fig['reextract_changed'][e]} of {plans}"
          f" plans changed, every stage on {st.get('every')}, targets stage alone on "
          f"{st.get('targets_only')}): {'n/a' if v is None else f'{v:.2f}x'}", file=sys.stderr)
print(json.dumps(fig, sort_keys=True))
EOF
