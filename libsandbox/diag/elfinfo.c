/*
 * ELF facts of the program, found in sandbox_check() before anything runs:
 * class, machine (x86_64, i386, x32), static or dynamic, interpreter, and
 * #! scripts. Refuses (-ENOEXEC, with a one-line message) what cannot run
 * or would run in an ABI the policy forbids outright. Also the address
 * space an ELF file asks of execve (sb_elf_load_requests), which tells
 * whether a failed exec was over the memory quota.
 *
 * The headers are read here, by hand (<elf.h> only): every check of every
 * run reads them, and loading libelf (with zlib and lzma) for that alone
 * cost each new process more than the reading. libelf is for backtraces
 * (dynlibs.c loads it then).
 */
#include "config.h"
#include "diag/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int refuse(struct sb_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int refuse(struct sb_diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	d->have_msg = true;
	return -ENOEXEC;
}

/* What sb_diag_check() looks at. */
struct elf_req {
	const char *argv0;
	const char *root;    /* chroot, or NULL */
	const char *workdir; /* or NULL */
};

/* The path of a program as the supervisor sees it (core/run.c
 * check_program). */
static char *program_path(const struct elf_req *rq, const char *p)
{
	char *path = NULL;
	const char *root = rq->root ? rq->root : "";
	const char *wd = (p[0] != '/' && rq->workdir) ? rq->workdir : "";

	if (asprintf(&path, "%s%s%s%s%s", root, root[0] ? "/" : "", wd,
	             wd[0] ? "/" : "", p) < 0)
		return NULL;
	return path;
}

static int abi_of(int cls, int machine)
{
	if (cls == ELFCLASS64 && machine == EM_X86_64)
		return S_ABI_X86_64;
	if (cls == ELFCLASS32 && machine == EM_386)
		return S_ABI_I386;
	if (cls == ELFCLASS32 && machine == EM_X86_64)
		return S_ABI_X32;
	return -1;
}

/* ------------------------------------------------------------ headers */

/* An ELF header and program header, whatever the class and byte order
 * (x86 programs are little-endian; another file is read to say what it
 * is). */
struct ehdr {
	int cls;                 /* ELFCLASS32 or ELFCLASS64 */
	bool swap;               /* big-endian file */
	unsigned type, machine;
	uint64_t phoff, shoff;
	unsigned phnum, phentsize, shnum, shentsize;
	/* The program headers read so far, 1 KiB at a time: a program has
	 * about a dozen, read in one pread, not one per header and pass. */
	uint64_t ph_off;
	size_t ph_len;
	unsigned char ph_buf[1024];
};

struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, filesz, memsz;
};

static uint16_t u16(const struct ehdr *h, uint16_t v)
{
	return h->swap ? __builtin_bswap16(v) : v;
}

static uint32_t u32(const struct ehdr *h, uint32_t v)
{
	return h->swap ? __builtin_bswap32(v) : v;
}

static uint64_t u64(const struct ehdr *h, uint64_t v)
{
	return h->swap ? __builtin_bswap64(v) : v;
}

static bool read_at(int fd, void *buf, size_t n, uint64_t off)
{
	return off <= INT64_MAX && pread(fd, buf, n, (off_t)off) == (ssize_t)n;
}

/* 0; -ENOEXEC when the identification is not an ELF one this reader
 * knows (magic, class, byte order); -EIO when the header is cut. */
static int read_ehdr(int fd, struct ehdr *h)
{
	union { Elf32_Ehdr e32; Elf64_Ehdr e64; } u;
	ssize_t n = pread(fd, &u, sizeof(u), 0);

	h->ph_len = 0;
	if (n < EI_NIDENT || memcmp(u.e64.e_ident, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	h->cls = u.e64.e_ident[EI_CLASS];
	if ((h->cls != ELFCLASS32 && h->cls != ELFCLASS64) ||
	    (u.e64.e_ident[EI_DATA] != ELFDATA2LSB &&
	     u.e64.e_ident[EI_DATA] != ELFDATA2MSB))
		return -ENOEXEC;
	h->swap = u.e64.e_ident[EI_DATA] == ELFDATA2MSB;
	if (h->cls == ELFCLASS64) {
		if (n < (ssize_t)sizeof(Elf64_Ehdr))
			return -EIO;
		h->type = u16(h, u.e64.e_type);
		h->machine = u16(h, u.e64.e_machine);
		h->phoff = u64(h, u.e64.e_phoff);
		h->shoff = u64(h, u.e64.e_shoff);
		h->phnum = u16(h, u.e64.e_phnum);
		h->phentsize = u16(h, u.e64.e_phentsize);
		h->shnum = u16(h, u.e64.e_shnum);
		h->shentsize = u16(h, u.e64.e_shentsize);
	} else {
		if (n < (ssize_t)sizeof(Elf32_Ehdr))
			return -EIO;
		h->type = u16(h, u.e32.e_type);
		h->machine = u16(h, u.e32.e_machine);
		h->phoff = u32(h, u.e32.e_phoff);
		h->shoff = u32(h, u.e32.e_shoff);
		h->phnum = u16(h, u.e32.e_phnum);
		h->phentsize = u16(h, u.e32.e_phentsize);
		h->shnum = u16(h, u.e32.e_shnum);
		h->shentsize = u16(h, u.e32.e_shentsize);
	}
	return 0;
}

/* The number of program headers: past 0xfffe it is in the first section
 * header (PN_XNUM). -EIO when that cannot be read. */
static int phdr_count(int fd, const struct ehdr *h, size_t *n)
{
	*n = h->phnum;
	if (h->phnum != PN_XNUM)
		return 0;
	if (h->cls == ELFCLASS64) {
		Elf64_Shdr sh;
		if (!read_at(fd, &sh, sizeof(sh), h->shoff))
			return -EIO;
		*n = u32(h, sh.sh_info);
	} else {
		Elf32_Shdr sh;
		if (!read_at(fd, &sh, sizeof(sh), h->shoff))
			return -EIO;
		*n = u32(h, sh.sh_info);
	}
	return 0;
}

/* n bytes at off through h's program-header buffer. */
static bool read_ph_bytes(int fd, struct ehdr *h, void *dst, size_t n,
                          uint64_t off)
{
	if (!(h->ph_len && off >= h->ph_off &&
	      off + n <= h->ph_off + h->ph_len)) {
		ssize_t got = off <= INT64_MAX
		              ? pread(fd, h->ph_buf, sizeof(h->ph_buf), (off_t)off)
		              : -1;
		h->ph_len = 0;
		if (got < (ssize_t)n)
			return false;
		h->ph_off = off;
		h->ph_len = (size_t)got;
	}
	memcpy(dst, h->ph_buf + (off - h->ph_off), n);
	return true;
}

/* Program header i; false when it cannot be read. */
static bool read_phdr(int fd, struct ehdr *h, size_t i, struct phdr *ph)
{
	uint64_t off = h->phoff + (uint64_t)i * h->phentsize;

	if (h->cls == ELFCLASS64) {
		Elf64_Phdr p;
		if (h->phentsize < sizeof(p) || !read_ph_bytes(fd, h, &p, sizeof(p), off))
			return false;
		ph->type = u32(h, p.p_type);
		ph->offset = u64(h, p.p_offset);
		ph->vaddr = u64(h, p.p_vaddr);
		ph->filesz = u64(h, p.p_filesz);
		ph->memsz = u64(h, p.p_memsz);
	} else {
		Elf32_Phdr p;
		if (h->phentsize < sizeof(p) || !read_ph_bytes(fd, h, &p, sizeof(p), off))
			return false;
		ph->type = u32(h, p.p_type);
		ph->offset = u32(h, p.p_offset);
		ph->vaddr = u32(h, p.p_vaddr);
		ph->filesz = u32(h, p.p_filesz);
		ph->memsz = u32(h, p.p_memsz);
	}
	return true;
}

/* Every byte the headers promise must be in the file. */
static bool truncated(int fd, struct ehdr *h, off_t size)
{
	uint64_t sz = (uint64_t)size;
	size_t nph;

	if (h->phoff + (uint64_t)h->phnum * h->phentsize > sz ||
	    h->shoff + (uint64_t)h->shnum * h->shentsize > sz)
		return true;
	if (phdr_count(fd, h, &nph) < 0)
		return true;
	for (size_t i = 0; i < nph; i++) {
		struct phdr ph;
		if (!read_phdr(fd, h, i, &ph))
			return true;
		if (ph.type == PT_LOAD && ph.offset + ph.filesz > sz)
			return true;
	}
	return false;
}

/* PT_INTERP into buf; false when there is none (a static program). */
static bool read_interp(int fd, struct ehdr *h, char *buf, size_t len)
{
	size_t nph;

	buf[0] = '\0';
	if (phdr_count(fd, h, &nph) < 0)
		return false;
	for (size_t i = 0; i < nph; i++) {
		struct phdr ph;
		if (!read_phdr(fd, h, i, &ph) || ph.type != PT_INTERP)
			continue;
		size_t n = ph.filesz < len - 1 ? ph.filesz : len - 1;
		ssize_t got = ph.offset <= INT64_MAX
		              ? pread(fd, buf, n, (off_t)ph.offset) : -1;
		buf[got > 0 ? got : 0] = '\0';
		return true;
	}
	return false;
}

/* Inspect the ELF file open at fd; `name` is for messages. */
static int inspect_elf(struct sb_diag *d, int fd, const char *name,
                       sandbox_binary_info_t *bi)
{
	struct stat st;
	struct ehdr h;

	if (fstat(fd, &st) < 0)
		return -errno;
	int rc = read_ehdr(fd, &h);
	if (rc == -ENOEXEC)
		return refuse(d, "%s: not an ELF file nor a #! script", name);
	if (rc < 0)
		return refuse(d, "%s: truncated ELF file (%lld bytes, no "
		              "complete header)", name, (long long)st.st_size);
	bi->elf_class = h.cls == ELFCLASS64 ? 64 : 32;
	bi->machine = (int)h.machine;
	bi->abi = abi_of(h.cls, (int)h.machine);
	bi->is_pie = h.type == ET_DYN;
	if (truncated(fd, &h, st.st_size))
		return refuse(d, "%s: truncated ELF file (%lld bytes, the headers "
		              "describe more)", name, (long long)st.st_size);
	if (h.type != ET_EXEC && h.type != ET_DYN)
		return refuse(d, "%s: ELF file is not an executable (type %u)",
		              name, h.type);
	if (bi->abi < 0)
		return refuse(d, "%s: ELF%d for machine %u, not an x86 program",
		              name, bi->elf_class, h.machine);
	bi->is_static = !read_interp(fd, &h, bi->interpreter,
	                             sizeof(bi->interpreter));
	return 0;
}

/* "#!/bin/sh -e" -> interpreter "/bin/sh -e"; inspect /bin/sh. */
static int inspect_script(const struct elf_req *rq, struct sb_diag *d,
                          const char *head, size_t n,
                          sandbox_binary_info_t *bi)
{
	char line[sizeof(bi->interpreter)], exe[sizeof(bi->interpreter)];
	size_t i = 2, j = 0;

	while (i < n && (head[i] == ' ' || head[i] == '\t'))
		i++;
	while (i < n && head[i] != '\n' && j < sizeof(line) - 1)
		line[j++] = head[i++];
	while (j > 0 && (line[j - 1] == ' ' || line[j - 1] == '\t' ||
	                 line[j - 1] == '\r'))
		j--;
	line[j] = '\0';
	bi->is_script = true;
	bi->abi = -1;
	snprintf(bi->interpreter, sizeof(bi->interpreter), "%s", line);
	if (!line[0])
		return refuse(d, "%s: #! line names no interpreter", rq->argv0);
	sscanf(line, "%255s", exe);
	if (exe[0] != '/')
		return 0; /* the kernel would look it up relative to the cwd */
	char *path = program_path(rq, exe);
	if (!path)
		return -ENOMEM;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return 0; /* execve reports it, with its own errno */
	sandbox_binary_info_t ib = { .abi = -1 };
	int rc = inspect_elf(d, fd, exe, &ib);
	close(fd);
	if (rc == 0) {
		bi->elf_class = ib.elf_class;
		bi->machine = ib.machine;
		bi->abi = ib.abi;
		bi->is_static = ib.is_static;
		bi->is_pie = ib.is_pie;
	}
	return rc;
}

static int inspect(const struct elf_req *rq, struct sb_diag *d, int fd,
                   sandbox_binary_info_t *bi)
{
	char head[sizeof(bi->interpreter) + 2];
	ssize_t n = pread(fd, head, sizeof(head), 0);

	if (n < 0)
		return -errno;
	if (n >= 2 && head[0] == '#' && head[1] == '!')
		return inspect_script(rq, d, head, (size_t)n, bi);
	if (n < 4 || memcmp(head, ELFMAG, SELFMAG) != 0)
		return refuse(d, "%s: not an ELF file nor a #! script", rq->argv0);
	return inspect_elf(d, fd, rq->argv0, bi);
}

int sb_diag_check(struct sb_diag *d, const char *argv0, const char *root,
                  const char *workdir, unsigned abis_allowed)
{
	const struct elf_req rq = { argv0, root, workdir };
	sandbox_binary_info_t bi = { .abi = -1 };
	int rc;

	d->have_bin = false;
	d->have_msg = false;
	char *path = program_path(&rq, argv0);
	if (!path)
		return -ENOMEM;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return 0; /* executable but not readable: execve decides */
	rc = inspect(&rq, d, fd, &bi);
	close(fd);
	if (rc == -ENOEXEC || rc == 0) {
		d->bin = bi;
		d->have_bin = true;
	}
	if (rc == 0 && bi.abi >= 0 && !(abis_allowed & (1u << bi.abi)))
		rc = refuse(d, "%s: %s the %s ABI, and the policy kills every %s "
		            "syscall", argv0,
		            bi.is_script ? "its interpreter uses" : "uses",
		            sb_abi_name(bi.abi), sb_abi_name(bi.abi));
	return rc;
}

/* ------------------------------------------------------------ load plan */

#define PAGE_LO(v) ((v) & ~(uint64_t)4095)
#define PAGE_HI(v) (((v) + 4095) & ~(uint64_t)4095)

/* Pages of [lo, hi) not yet in the first n ranges of `done` (which are
 * disjoint); then [lo, hi) is added, merged with what it touches. */
struct ranges {
	uint64_t lo[2 * SB_ELF_MAX_REQUESTS], hi[2 * SB_ELF_MAX_REQUESTS];
	size_t n;
};

static uint64_t add_range(struct ranges *r, uint64_t lo, uint64_t hi)
{
	uint64_t grow = hi - lo;
	for (size_t i = 0; i < r->n; i++) {
		uint64_t a = lo > r->lo[i] ? lo : r->lo[i];
		uint64_t b = hi < r->hi[i] ? hi : r->hi[i];
		if (a < b)
			grow -= b - a;
	}
	/* Keep the ranges disjoint: absorb every one [lo, hi) touches. */
	for (size_t i = 0; i < r->n;) {
		if (r->lo[i] <= hi && lo <= r->hi[i]) {
			lo = lo < r->lo[i] ? lo : r->lo[i];
			hi = hi > r->hi[i] ? hi : r->hi[i];
			r->lo[i] = r->lo[r->n - 1];
			r->hi[i] = r->hi[r->n - 1];
			r->n--;
		} else {
			i++;
		}
	}
	if (r->n < SB_ARRAY_SIZE(r->lo)) {
		r->lo[r->n] = lo;
		r->hi[r->n] = hi;
		r->n++;
	}
	return grow;
}

ssize_t sb_elf_load_requests(int fd, uint64_t *req, size_t max, char *interp,
                             size_t len)
{
	struct ranges done = { .n = 0 };
	struct ehdr h;
	size_t nph, n = 0;
	uint64_t first = 0, end = 0;
	bool any = false;

	if (interp && len)
		interp[0] = '\0';
	if (read_ehdr(fd, &h) < 0 || phdr_count(fd, &h, &nph) < 0 ||
	    (h.type != ET_EXEC && h.type != ET_DYN))
		return -ENOEXEC;
	for (size_t i = 0; i < nph; i++) {
		struct phdr ph;
		if (!read_phdr(fd, &h, i, &ph))
			return -ENOEXEC;
		if (ph.type == PT_INTERP && interp && len) {
			size_t k = ph.filesz < len - 1 ? ph.filesz : len - 1;
			ssize_t got = ph.offset <= INT64_MAX
			              ? pread(fd, interp, k, (off_t)ph.offset) : -1;
			interp[got > 0 ? got : 0] = '\0';
			continue;
		}
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if (!any)
			first = ph.vaddr;
		any = true;
		end = ph.vaddr + ph.memsz;
		if (h.type == ET_DYN)
			continue;
		/* A fixed image: the file's pages, then the zero-filled tail
		 * (binfmt_elf's elf_load: the tail goes through vm_brk). */
		uint64_t file_end = ph.vaddr + ph.filesz;
		uint64_t zero_lo = ph.filesz ? PAGE_HI(file_end) : PAGE_LO(ph.vaddr);
		if (ph.filesz && n < max)
			req[n++] = add_range(&done, PAGE_LO(ph.vaddr), PAGE_HI(file_end));
		if (ph.memsz > ph.filesz && PAGE_HI(end) > zero_lo && n < max)
			req[n++] = add_range(&done, zero_lo, PAGE_HI(end));
	}
	if (!any)
		return -ENOEXEC;
	/* A position-independent image reserves the span of its segments in
	 * one mapping, then fills it (total_mapping_size). */
	if (h.type == ET_DYN && n < max)
		req[n++] = PAGE_HI(end - PAGE_LO(first));
	return (ssize_t)n;
}

/* ------------------------------------------------------------ interpreter */

int sb_diag_interpreter(const char *path, char *buf, size_t len)
{
	char head[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -errno;
	n = pread(fd, head, sizeof(head), 0);
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		size_t i = 2, j = 0;
		while (i < (size_t)n && (head[i] == ' ' || head[i] == '\t'))
			i++;
		while (i < (size_t)n && j + 1 < len && head[i] != ' ' &&
		       head[i] != '\t' && head[i] != '\n' && head[i] != '\r')
			buf[j++] = head[i++];
		buf[j] = '\0';
		rc = j ? 2 : 0;
	} else if (n >= SELFMAG && memcmp(head, ELFMAG, SELFMAG) == 0 &&
	           sb_elf_load_requests(fd, NULL, 0, buf, len) >= 0) {
		rc = buf[0] ? 1 : 0;
	}
	close(fd);
	return rc;
}
