#!/usr/bin/env bash
# cli_hostile — hostile and broken inputs made here (a zip bomb, XXE, billion
# laughs, a truncated DOCX, an encrypted-looking zip that is no DOCX, HTML
# whose bytes are not in its declared charset, binary data named .html):
# each is refused with one error line naming the file, `planex ingest` exits
# 1, and what the database held before is unchanged.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/p.db"

"$PLANEX" ingest -q --db "$db" "$PX_SOURCE_DIR"/corpora/text/*.txt
before=$(sqlite3 "$db" .dump | sha256sum)

mkdir "$work/bad"
python3 - "$PX_SOURCE_DIR/corpora/docx/nghe-an_kh-333-2026_qd534.docx" "$work/bad" <<'PY'
import sys, zipfile, os
src, out = sys.argv[1], sys.argv[2]
good = zipfile.ZipFile(src)
parts = {n: good.read(n) for n in good.namelist()}

def docx(name, document_xml, extra=None):
    with zipfile.ZipFile(os.path.join(out, name), "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, document_xml if n == "word/document.xml" else data)
        for n, data in (extra or {}).items():
            z.writestr(n, data)

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
docx("bomb.docx", parts["word/document.xml"] + b" " * (300 * 1024 * 1024))
docx("xxe.docx", ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                  f'<w:document {W}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>').encode())
lol = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
docx("laughs.docx", (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{lol}]>'
                     f'<w:document {W}><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>').encode())
data = open(src, "rb").read()
open(os.path.join(out, "truncated.docx"), "wb").write(data[: len(data) // 2])
with zipfile.ZipFile(os.path.join(out, "notdocx.docx"), "w") as z:
    z.writestr("readme.txt", "not a word file")
open(os.path.join(out, "charset.html"), "wb").write(
    b'<html><head><meta charset="utf-8"></head><body><p>K\xe9 ho\xb9ch \xff\xfe</p></body></html>')
open(os.path.join(out, "binary.html"), "wb").write(b"<html>\x00\x01\x02" + os.urandom(4096))
PY

set +e
"$PLANEX" ingest -q --db "$db" "$work/bad" 2>"$work/err"
rc=$?
set -e
cat "$work/err"
fail=0
[ "$rc" -eq 1 ] || { echo "cli_hostile: exit $rc, want 1" >&2; fail=1; }
for f in bomb xxe laughs truncated notdocx; do
    n=$(grep -c "$f\.docx.*error" "$work/err" || true)
    [ "$n" -eq 1 ] || { echo "cli_hostile: $f.docx: $n error lines, want 1" >&2; fail=1; }
done
for f in charset binary; do
    n=$(grep -c "$f\.html.*error" "$work/err" || true)
    [ "$n" -eq 1 ] || { echo "cli_hostile: $f.html: $n error lines, want 1" >&2; fail=1; }
done
if grep -q "root:" "$work/err"; then echo "cli_hostile: XXE expanded" >&2; fail=1; fi
after=$(sqlite3 "$db" .dump | sha256sum)
[ "$before" = "$after" ] || { echo "cli_hostile: the database changed" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit "$fail"
