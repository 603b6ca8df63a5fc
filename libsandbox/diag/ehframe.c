/*
 * The search table of a module's .eh_frame, for libunwind: the one of
 * .eh_frame_hdr when the linker wrote it, else built from .eh_frame.
 *
 * gcc links static programs without --eh-frame-hdr (glibc registers
 * their frames at run time instead), so they have complete unwind info
 * in .eh_frame but no PT_GNU_EH_FRAME, and libunwind-ptrace, which only
 * looks for that header (or .debug_frame), finds nothing. This builds
 * what the header would hold -- {pc_begin, FDE address} pairs sorted by
 * pc_begin, as ELF virtual addresses -- from the section itself, read
 * from the file with libelf. backtrace.c hands it to libunwind, which
 * reads the records the table points at from the program.
 */
#include "config.h"
#include "diag/diag.h"
#include "diag/dynlibs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* DWARF pointer encodings (DW_EH_PE_*) */
#define PE_OMIT 0xff
#define PE_FMT 0x0f
#define PE_APP 0x70
#define PE_PCREL 0x10

struct rd {
	const uint8_t *p, *end;
};

static bool rd_bytes(struct rd *r, void *out, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return false;
	if (out)
		memcpy(out, r->p, n);
	r->p += n;
	return true;
}

static bool rd_uleb(struct rd *r, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; r->p < r->end && shift < 64; shift += 7) {
		uint8_t b = *r->p++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

static bool rd_sleb(struct rd *r, int64_t *v)
{
	uint64_t u = 0;
	unsigned shift = 0;
	uint8_t b = 0x80;

	while (r->p < r->end && shift < 64 && (b & 0x80)) {
		b = *r->p++;
		u |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	}
	if (b & 0x80)
		return false;
	if (shift < 64 && (b & 0x40))
		u |= ~0ULL << shift;
	*v = (int64_t)u;
	return true;
}

/* An encoded value, without its application part (pcrel, ...). */
static bool rd_encoded(struct rd *r, uint8_t enc, uint64_t *v)
{
	union { uint16_t u16; int16_t s16; uint32_t u32; int32_t s32;
	        uint64_t u64; } x;
	int64_t s;

	switch (enc & PE_FMT) {
	case 0x0: case 0x4: case 0xc: /* absptr, udata8, sdata8 */
		if (!rd_bytes(r, &x.u64, 8))
			return false;
		*v = x.u64;
		return true;
	case 0x1:
		return rd_uleb(r, v);
	case 0x9:
		if (!rd_sleb(r, &s))
			return false;
		*v = (uint64_t)s;
		return true;
	case 0x2: case 0xa:
		if (!rd_bytes(r, &x.u16, 2))
			return false;
		*v = (enc & 0x8) ? (uint64_t)(int64_t)x.s16 : x.u16;
		return true;
	case 0x3: case 0xb:
		if (!rd_bytes(r, &x.u32, 4))
			return false;
		*v = (enc & 0x8) ? (uint64_t)(int64_t)x.s32 : x.u32;
		return true;
	default:
		return false;
	}
}

/* The FDE pointer encoding of the CIE at `off` ('R' of its augmentation;
 * absptr without one). False for what this reader does not know. */
static bool cie_encoding(const uint8_t *base, size_t size, size_t off,
                         uint8_t *enc)
{
	struct rd r = { base + off, base + size };
	uint32_t len, id;
	uint8_t version;
	uint64_t u;
	int64_t s;

	if (!rd_bytes(&r, &len, 4) || len == 0xffffffffu || len > size - off - 4)
		return false;
	r.end = base + off + 4 + len;
	if (!rd_bytes(&r, &id, 4) || id != 0 || !rd_bytes(&r, &version, 1))
		return false;
	const char *aug = (const char *)r.p;
	size_t alen = strnlen(aug, (size_t)(r.end - r.p));
	if (!rd_bytes(&r, NULL, alen + 1) || strstr(aug, "eh"))
		return false;
	if (!rd_uleb(&r, &u) || !rd_sleb(&r, &s)) /* code, data alignment */
		return false;
	if (version == 1 ? !rd_bytes(&r, NULL, 1) : !rd_uleb(&r, &u))
		return false; /* return address register */
	*enc = 0; /* absptr */
	if (aug[0] != 'z')
		return aug[0] == '\0';
	if (!rd_uleb(&r, &u)) /* augmentation data length */
		return false;
	for (const char *a = aug + 1; *a; a++) {
		uint8_t e;
		switch (*a) {
		case 'R':
			return rd_bytes(&r, enc, 1);
		case 'L':
			if (!rd_bytes(&r, NULL, 1))
				return false;
			break;
		case 'P':
			if (!rd_bytes(&r, &e, 1) || !rd_encoded(&r, e, &u))
				return false;
			break;
		case 'S': case 'B':
			break;
		default:
			return false;
		}
	}
	return true;
}

struct table {
	int32_t *e; /* pairs */
	size_t n, cap;
};

static int table_add(struct table *t, uint64_t pc, uint64_t fde)
{
	/* The header's layout: 32-bit offsets from the segment base (the
	 * load bias, so ELF addresses). Beyond 2 GiB: not representable. */
	if (pc > INT32_MAX || fde > INT32_MAX)
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		int32_t *e = realloc(t->e, cap * 2 * sizeof(*e));
		if (!e)
			return -ENOMEM;
		t->e = e;
		t->cap = cap;
	}
	t->e[2 * t->n] = (int32_t)pc;
	t->e[2 * t->n + 1] = (int32_t)fde;
	t->n++;
	return 0;
}

/* The FDE at `off` (id is its CIE pointer): add its pc_begin. */
static int add_fde(struct table *t, const uint8_t *base, size_t size,
                   uint64_t vaddr, size_t off, size_t hdr, uint32_t id)
{
	size_t id_off = off + hdr;
	uint8_t enc;
	uint64_t pc, range;

	if (id > id_off || !cie_encoding(base, size, id_off - id, &enc))
		return 0;
	if (enc == PE_OMIT || (enc & 0x80) ||
	    ((enc & PE_APP) != 0 && (enc & PE_APP) != PE_PCREL))
		return 0;
	struct rd r = { base + id_off + 4, base + size };
	if (!rd_encoded(&r, enc, &pc) || !rd_encoded(&r, enc & PE_FMT, &range))
		return 0;
	if ((enc & PE_APP) == PE_PCREL)
		pc += vaddr + id_off + 4;
	if (pc == 0 || range == 0) /* discarded by the linker */
		return 0;
	return table_add(t, pc, vaddr + off);
}

static int cmp_entry(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static Elf_Scn *find_section(Elf *e, const char *name, GElf_Shdr *sh)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (sb_libelf()->getshdrstrndx(e, &shstrndx) != 0)
		return NULL;
	while ((scn = sb_libelf()->nextscn(e, scn)) != NULL) {
		const char *n;
		if (sb_libelf()->getshdr(scn, sh) && sh->sh_type == SHT_PROGBITS &&
		    (n = sb_libelf()->strptr(e, shstrndx, sh->sh_name)) &&
		    strcmp(n, name) == 0)
			return scn;
	}
	return NULL;
}

/* The table of .eh_frame_hdr when there is one in the usual encoding
 * (datarel sdata4 entries): a copy, rebased to ELF addresses. 0 when
 * there is none. */
static int from_header(Elf *e, struct table *t)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(e, ".eh_frame_hdr", &sh);
	Elf_Data *data = scn ? sb_libelf()->getdata(scn, NULL) : NULL;
	uint8_t h[4];
	uint64_t ptr, count;
	int32_t ent[2];
	int rc = 0;

	if (!data || !data->d_buf)
		return 0;
	struct rd r = { data->d_buf, (const uint8_t *)data->d_buf + data->d_size };
	if (!rd_bytes(&r, h, 4) || h[0] != 1 || h[3] != 0x3b ||
	    !rd_encoded(&r, h[1], &ptr) || !rd_encoded(&r, h[2], &count))
		return 0;
	for (uint64_t i = 0; rc == 0 && i < count && rd_bytes(&r, ent, 8); i++)
		rc = table_add(t, sh.sh_addr + (uint64_t)(int64_t)ent[0],
		               sh.sh_addr + (uint64_t)(int64_t)ent[1]);
	return rc;
}

ssize_t sb_ehframe_table(Elf *e, int32_t **out)
{
	struct table t = { NULL, 0, 0 };
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(e, ".eh_frame", &sh);
	Elf_Data *data = scn ? sb_libelf()->getdata(scn, NULL) : NULL;
	size_t off = 0;
	int rc;

	*out = NULL;
	if ((rc = from_header(e, &t)) < 0 || t.n > 0)
		goto out;
	if (!data || !data->d_buf)
		return 0;
	const uint8_t *base = data->d_buf;
	size_t size = data->d_size;
	while (rc == 0 && size - off >= 8) {
		uint32_t len, id;
		memcpy(&len, base + off, 4);
		if (len == 0 || len == 0xffffffffu || len > size - off - 4)
			break; /* terminator, or 64-bit lengths (never on x86) */
		memcpy(&id, base + off + 4, 4);
		if (id != 0)
			rc = add_fde(&t, base, size, sh.sh_addr, off, 4, id);
		off += 4 + (size_t)len;
	}
out:
	if (rc < 0 || t.n == 0) {
		free(t.e);
		return rc;
	}
	qsort(t.e, t.n, 2 * sizeof(*t.e), cmp_entry);
	*out = t.e;
	return (ssize_t)t.n;
}
