/*
 * extract_state — what lets a reextraction run less than every stage: the
 * fingerprints of an extractor (extract.h) and the task map, the one thing
 * the targets stage takes from the stages before it.
 *
 * Why: a rule edit most often touches the target rules (a new phrasing of a
 * figure, a metric renamed). The document facts and the tasks do not read
 * them, so they come out as before; only the targets stage has to run, and
 * it needs from the tasks only which task each block and table row belongs
 * to. The store keeps that map with the fingerprints it was made under.
 */
#define _GNU_SOURCE /* dl_iterate_phdr */

#include "extract_internal.h"
#include "sha256.h"

#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unicode/uversion.h>

/* ---- the program's build id ---- */

struct build_id_search {
    uintptr_t addr; /* an address inside the object wanted */
    char *hex;      /* out: 2 digits per byte of the id */
    size_t cap;
    int found;
};

static int
object_holds(const struct dl_phdr_info *info, uintptr_t addr)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && addr >= start && addr - start < ph->p_memsz)
            return 1;
    }
    return 0;
}

/* The NT_GNU_BUILD_ID note of one PT_NOTE segment, as hex; 1 when found. */
static int
note_build_id(const unsigned char *p, size_t size, size_t align, char *hex, size_t cap)
{
    size_t off = 0;
    while (size - off >= sizeof(ElfW(Nhdr))) {
        ElfW(Nhdr) nh;
        memcpy(&nh, p + off, sizeof nh);
        size_t name_at = off + sizeof nh;
        size_t desc_at = name_at + ((nh.n_namesz + align - 1) & ~(align - 1));
        size_t next = desc_at + ((nh.n_descsz + align - 1) & ~(align - 1));
        if (desc_at > size || nh.n_descsz > size - desc_at)
            return 0;
        if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
            memcmp(p + name_at, "GNU", 4) == 0 && nh.n_descsz && 2 * nh.n_descsz < cap) {
            for (size_t i = 0; i < nh.n_descsz; i++)
                snprintf(hex + 2 * i, 3, "%02x", p[desc_at + i]);
            return 1;
        }
        off = next;
    }
    return 0;
}

static int
on_object(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct build_id_search *s = arg;
    if (!object_holds(info, s->addr))
        return 0;
    for (int i = 0; i < info->dlpi_phnum && !s->found; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_NOTE)
            s->found = note_build_id((const unsigned char *)(info->dlpi_addr + ph->p_vaddr),
                                     ph->p_memsz, ph->p_align == 8 ? 8 : 4, s->hex, s->cap);
    }
    return 1; /* the object holding the code is found: stop */
}

/* The build id of the object this code is linked into (the linker's hash
 * of all its code and data: any change of the program changes it); 1 when
 * found. */
static int
build_id(char *hex, size_t cap)
{
    struct build_id_search s = {(uintptr_t)(void *)&build_id, hex, cap, 0};
    hex[0] = '\0';
    dl_iterate_phdr(on_object, &s);
    return s.found;
}

/* ---- fingerprints ---- */

int
px_xrule_is_target(const struct px_rule *rule)
{
    return px_rule_in(rule, "target");
}

static void
put_versions(struct px_buf *b)
{
    UVersionInfo icu;
    char icu_s[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(icu);
    u_versionToString(icu, icu_s);
    char pcre[64] = "";
    pcre2_config(PCRE2_CONFIG_VERSION, pcre);
    px_buf_printf(b, "icu %s\npcre2 %s\n", icu_s, pcre);
}

/* One rule family (targets or not) in load order: the order decides which rule wins. */
static void
put_rules(struct px_buf *b, const struct px_ruleset *rs, int targets)
{
    for (size_t i = 0; i < rs->n; i++)
        if (px_xrule_is_target(&rs->rules[i]) == targets)
            px_rule_canonical(&rs->rules[i], b);
}

void
px_xfingerprints(struct px_extractor *ex)
{
    char id[129];
    ex->upstream[0] = ex->whole[0] = '\0';
    if (!build_id(id, sizeof id))
        return;
    struct px_buf b = PX_BUF_INIT;
    px_buf_printf(&b, "planex extraction\nbuild %s\n", id);
    put_versions(&b);
    px_buf_printf(&b, "agencies %s\n", px_agencies_digest(ex->ag));
    put_rules(&b, &ex->rs, 0);
    px_sha256_hex(b.ptr, b.len, ex->upstream);
    px_buf_clear(&b);
    px_buf_printf(&b, "upstream %s\nmetrics %s\n", ex->upstream, ex->tf.metrics_digest);
    put_rules(&b, &ex->rs, 1);
    px_sha256_hex(b.ptr, b.len, ex->whole);
    px_buf_release(&b);
}

const char *
px_extractor_upstream(const struct px_extractor *ex)
{
    return ex->upstream;
}

const char *
px_extractor_whole(const struct px_extractor *ex)
{
    return ex->whole;
}

/* ---- the task map ----
 *
 * Unsigned LEB128 numbers: a version, the plan's year, the number of tasks
 * and each task id (length, bytes), the number of blocks and per block its
 * task + 1 (0: none), then per table block 0 (no row belongs to a task) or
 * its number of rows + 1 and per row its task + 1.
 */

enum { TASKMAP_VERSION = 1 };

void
px_xtaskmap_encode(struct px_xrun *r)
{
    const struct px_doc *doc = r->doc;
    struct px_buf b = PX_BUF_INIT;
    px_buf_put_varint(&b, TASKMAP_VERSION);
    px_buf_put_varint(&b, r->out->info.year > 0 ? (uint64_t)r->out->info.year : 0);
    px_buf_put_varint(&b, r->out->ntasks);
    for (size_t t = 0; t < r->out->ntasks; t++) {
        const char *id = r->out->tasks[t].id ? r->out->tasks[t].id : "";
        px_buf_put_varint(&b, strlen(id));
        px_buf_put(&b, id, strlen(id));
    }
    px_buf_put_varint(&b, doc->nblocks);
    for (size_t i = 0; i < doc->nblocks; i++)
        px_buf_put_varint(&b, (uint64_t)(r->block_task[i] + 1));
    for (size_t i = 0; i < doc->nblocks; i++) {
        const struct px_block *bl = &doc->blocks[i];
        if (bl->type != PX_BLOCK_TABLE)
            continue;
        const int *rows = r->row_task[i];
        size_t nrows = bl->table ? bl->table->nrows : 0;
        px_buf_put_varint(&b, rows ? nrows + 1 : 0);
        for (size_t y = 0; rows && y < nrows; y++)
            px_buf_put_varint(&b, (uint64_t)(rows[y] + 1));
    }
    unsigned char *p = px_arena_alloc(&r->doc->arena, b.len ? b.len : 1);
    memcpy(p, b.ptr, b.len);
    r->out->taskmap = (struct px_bytes){p, b.len};
    px_buf_release(&b);
}

/* A task index + 1 read from the map, checked against ntasks: -1 (none) or the index. */
static int
get_task(struct px_varint_reader *rd, size_t ntasks)
{
    uint64_t v = px_varint_get(rd);
    if (v > ntasks)
        rd->bad = 1;
    return rd->bad ? -1 : (int)v - 1;
}

static void
get_task_ids(struct px_xrun *r, struct px_varint_reader *rd)
{
    uint64_t n = px_varint_get(rd);
    if (rd->bad || n > (uint64_t)(rd->end - rd->p)) { /* each id takes a byte at least */
        rd->bad = 1;
        return;
    }
    r->task_id = px_arena_calloc(&r->doc->arena, n + 1, sizeof *r->task_id);
    r->ntask_ids = (size_t)n;
    for (size_t t = 0; t < n && !rd->bad; t++) {
        uint64_t len = px_varint_get(rd);
        if (rd->bad || len > (uint64_t)(rd->end - rd->p)) {
            rd->bad = 1;
            return;
        }
        r->task_id[t] = px_arena_strndup(&r->doc->arena, (const char *)rd->p, (size_t)len);
        rd->p += len;
    }
}

static void
get_rows(struct px_xrun *r, struct px_varint_reader *rd)
{
    for (size_t i = 0; i < r->doc->nblocks && !rd->bad; i++) {
        const struct px_block *bl = &r->doc->blocks[i];
        if (bl->type != PX_BLOCK_TABLE)
            continue;
        uint64_t has = px_varint_get(rd);
        size_t nrows = bl->table ? bl->table->nrows : 0;
        if (has == 0)
            continue;
        if (has != (uint64_t)nrows + 1) {
            rd->bad = 1;
            return;
        }
        int *rows = px_arena_calloc(&r->doc->arena, nrows + 1, sizeof *rows);
        for (size_t y = 0; y < nrows; y++)
            rows[y] = get_task(rd, r->ntask_ids);
        r->row_task[i] = rows;
    }
}

int
px_xtaskmap_decode(struct px_xrun *r, const unsigned char *map, size_t n)
{
    if (!map)
        return 1;
    struct px_varint_reader rd = {map, map + n, 0};
    if (px_varint_get(&rd) != TASKMAP_VERSION)
        return 1;
    uint64_t year = px_varint_get(&rd);
    r->ex->tf.plan_year = year <= 9999 ? (int)year : 0;
    get_task_ids(r, &rd);
    if (rd.bad || px_varint_get(&rd) != r->doc->nblocks)
        return 1;
    for (size_t i = 0; i < r->doc->nblocks && !rd.bad; i++)
        r->block_task[i] = get_task(&rd, r->ntask_ids);
    get_rows(r, &rd);
    return rd.bad || rd.p != rd.end || year > 9999;
}
