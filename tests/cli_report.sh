#!/usr/bin/env bash
# planex report: report.html, report.csv and report.xlsx for the corpus plans
# and one hostile plan (markup in its task text). Headless Chromium renders the
# page: the matrix has one row per plan and one column per national target,
# and no script of the hostile plan runs. Skipped only when chromium is absent
# (scripts/install-deps.sh --with-browser installs it).
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
fail=0
check() { if ! "$@"; then echo "FAIL: $*" >&2; fail=1; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/planex.db"

# The hostile plan: the Nghệ An portal page with markup (as text) in an
# appendix row; the HTML parser decodes it to literal "<script>…".
src="$PX_SOURCE_DIR/corpora/html/nghe-an_kh-333-2026_qd534.html"
sed -e "s#<td>Thực hiện cắt giảm tối thiểu 15%#<td>\&lt;script\&gt;document.title='PWNED'\&lt;/script\&gt; \&quot;\&gt;\&lt;img src=x onerror=\&quot;document.title='PWNED'\&quot;\&gt; Thực hiện cắt giảm tối thiểu 15%#" \
    "$src" >"$tmp/hostile-plan.html"
check grep -q PWNED "$tmp/hostile-plan.html"

check "$PLANEX" ingest -q --db "$db" "$PX_SOURCE_DIR/corpora/text" "$tmp/hostile-plan.html"
check "$PLANEX" ingest -q --db "$db" --as-baseline "$PX_SOURCE_DIR/corpora/baseline"
check "$PLANEX" report --db "$db" --baseline 534/QĐ-TTg -o "$tmp/out"
html="$tmp/out/report.html"
for f in report.html report.csv report.xlsx; do check test -s "$tmp/out/$f"; done

# escaped in the file, self-contained
check grep -q '&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;' "$html"
check test "$(grep -ci '<script\|<img\|<link\|src="\|@import\|url(' "$html")" -eq 0
# CSV: BOM, Vietnamese intact, one line per plan
check test "$(head -c 3 "$tmp/out/report.csv" | od -An -tx1 | tr -d ' ')" = efbbbf
check grep -q 'Quảng Ngãi' "$tmp/out/report.csv"
check test "$(wc -l <"$tmp/out/report.csv")" -eq 5
# XLSX: a zip whose shared strings keep the Vietnamese
check python3 -c '
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
s = z.read("xl/sharedStrings.xml").decode("utf-8")
sys.exit(0 if "Thanh Hóa" in s and "N11" in s else 1)' "$tmp/out/report.xlsx"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "SKIP: chromium not installed (scripts/install-deps.sh --with-browser)" >&2
    exit $fail
fi
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$tmp/profile" --window-size=1400,900)
timeout 120 "$browser" "${flags[@]}" --screenshot="$tmp/shot.png" "file://$html" >/dev/null 2>&1
check test -s "$tmp/shot.png"
check python3 -c '
import sys
png = open(sys.argv[1], "rb").read()
w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
sys.exit(0 if png[:8] == b"\x89PNG\r\n\x1a\n" and (w, h) == (1400, 900) else 1)' "$tmp/shot.png"
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$html" >"$tmp/dom.html" 2>/dev/null
check test -s "$tmp/dom.html"
check python3 - "$tmp/dom.html" <<'PY'
import sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.title, self.rows, self.cols, self.cells = [], "", 0, 0, []
        self.bad, self.in_matrix, self.section = [], False, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img") or any(k.startswith("on") for k in a):
            self.bad.append((tag, attrs))
        if tag == "table" and a.get("id") == "matrix":
            self.in_matrix = True
        if self.in_matrix and tag in ("thead", "tbody"):
            self.section = tag
        if self.in_matrix and tag == "tr" and self.section == "tbody":
            self.rows += 1
            self.cells.append(0)
        if self.in_matrix and tag == "th" and self.section == "thead":
            self.cols += 1
        if self.in_matrix and tag == "td" and self.section == "tbody":
            self.cells[-1] += 1
        self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag == "table":
            self.in_matrix = False
    def handle_data(self, d):
        if self.stack and self.stack[-1] == "title":
            self.title += d

p = Dom()
p.feed(open(sys.argv[1], encoding="utf-8").read())
errors = []
if "PWNED" in p.title:
    errors.append("a hostile script ran: title %r" % p.title)
if p.bad:
    errors.append("hostile elements in the DOM: %r" % p.bad[:3])
if p.rows != 4:  # three corpus plans and the hostile one
    errors.append("matrix rows %d, want 4" % p.rows)
if p.cols != 12 or any(c != 11 for c in p.cells):  # Plan + N1..N11
    errors.append("matrix columns %d / cells %r" % (p.cols, p.cells))
for e in errors:
    print("FAIL:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
exit $fail
