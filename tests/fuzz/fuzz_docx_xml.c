/*
 * fuzz_docx_xml — the DOCX parser after the container, so the fuzzer's bytes
 * reach the XML instead of dying at the zip checks. The first byte chooses
 * which part the rest is: 0 document.xml, 1 numbering.xml, 2 styles.xml,
 * 3 footnotes.xml; the other parts then hold a small fixed sample that
 * refers to lists, styles and footnotes.
 */
#include "../../parsers/docx_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static const char document_xml[] =
    "<w:document " W "><w:body><w:p><w:pPr><w:pStyle w:val=\"H\"/><w:numPr><w:ilvl w:val=\"1\"/>"
    "<w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>Mục đích</w:t></w:r>"
    "<w:r><w:footnoteReference w:id=\"1\"/></w:r></w:p><w:tbl><w:tr><w:tc><w:tcPr>"
    "<w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>TT</w:t></w:r></w:p></w:tc></w:tr>"
    "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>";
static const char numbering_xml[] =
    "<w:numbering " W "><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\">"
    "<w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/></w:lvl><w:lvl w:ilvl=\"1\">"
    "<w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.%2.\"/></w:lvl></w:abstractNum>"
    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";
static const char styles_xml[] =
    "<w:styles " W "><w:style w:type=\"paragraph\" w:styleId=\"H\"><w:name w:val=\"heading 2\"/>"
    "<w:rPr><w:b/></w:rPr></w:style></w:styles>";
static const char footnotes_xml[] = "<w:footnotes " W "><w:footnote w:id=\"1\"><w:p><w:r>"
                                    "<w:t>Ghi chú</w:t></w:r></w:p></w:footnote></w:footnotes>";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *parts[4] = {document_xml, numbering_xml, styles_xml, footnotes_xml};
    size_t lens[4] = {sizeof document_xml - 1, sizeof numbering_xml - 1, sizeof styles_xml - 1,
                      sizeof footnotes_xml - 1};
    if (size > 0) {
        unsigned which = data[0] % 4;
        parts[which] = (const char *)data + 1;
        lens[which] = size - 1;
    }
    struct px_doc doc;
    struct px_diag dg;
    px_diag_init(&dg);
    px_doc_init(&doc, "fuzz.docx", PX_FMT_DOCX, data, size);
    px_docx_parse_parts(&doc, parts[0], lens[0], parts[1], lens[1], parts[2], lens[2], parts[3],
                        lens[3], &dg);
    px_doc_release(&doc);
    px_diag_release(&dg);
    return 0;
}
