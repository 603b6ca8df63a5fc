/*
 * ELF facts of the program, found in sandbox_check() before anything runs:
 * class, machine (x86_64, i386, x32), static or dynamic, interpreter, and
 * #! scripts. Refuses (-ENOEXEC, with a one-line message) what cannot run
 * or would run in an ABI the policy forbids outright. Also the address
 * space an ELF file asks of execve (sb_elf_load_requests), which tells
 * whether a failed exec was over the memory quota.
 */
#include "config.h"
#include "diag/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_once_t elf_once = PTHREAD_ONCE_INIT;
static bool elf_ok;

static void elf_init(void)
{
	elf_ok = elf_version(EV_CURRENT) != EV_NONE;
}

bool sb_elf_ready(void)
{
	pthread_once(&elf_once, elf_init);
	return elf_ok;
}

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

/* Every byte the headers promise must be in the file. */
static bool truncated(Elf *e, const GElf_Ehdr *eh, off_t size)
{
	uint64_t sz = (uint64_t)size;
	size_t nph;

	if (eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize > sz ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize > sz)
		return true;
	if (elf_getphdrnum(e, &nph) != 0)
		return true;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph))
			return true;
		if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > sz)
			return true;
	}
	return false;
}

static void read_interp(Elf *e, int fd, sandbox_binary_info_t *bi)
{
	size_t nph;

	bi->is_static = true;
	if (elf_getphdrnum(e, &nph) != 0)
		return;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		size_t n = ph.p_filesz < sizeof(bi->interpreter) - 1
		           ? ph.p_filesz : sizeof(bi->interpreter) - 1;
		ssize_t got = pread(fd, bi->interpreter, n, (off_t)ph.p_offset);
		bi->interpreter[got > 0 ? got : 0] = '\0';
		bi->is_static = false;
		return;
	}
}

/* Inspect the ELF file open at fd; `name` is for messages. */
static int inspect_elf(struct sb_diag *d, int fd, const char *name,
                       sandbox_binary_info_t *bi)
{
	struct stat st;
	GElf_Ehdr eh;
	int rc = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		/* the magic was there (inspect): a cut header */
		if (st.st_size < (off_t)sizeof(Elf64_Ehdr))
			rc = refuse(d, "%s: truncated ELF file (%lld bytes, no "
			            "complete header)", name, (long long)st.st_size);
		else
			rc = refuse(d, "%s: not an ELF file nor a #! script", name);
		goto out;
	}
	if (!gelf_getehdr(e, &eh)) {
		rc = refuse(d, "%s: truncated ELF file (no complete header)", name);
		goto out;
	}
	bi->elf_class = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	bi->machine = eh.e_machine;
	bi->abi = abi_of(eh.e_ident[EI_CLASS], eh.e_machine);
	bi->is_pie = eh.e_type == ET_DYN;
	if (truncated(e, &eh, st.st_size)) {
		rc = refuse(d, "%s: truncated ELF file (%lld bytes, the headers "
		            "describe more)", name, (long long)st.st_size);
		goto out;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		rc = refuse(d, "%s: ELF file is not an executable (type %d)", name,
		            eh.e_type);
		goto out;
	}
	if (bi->abi < 0) {
		rc = refuse(d, "%s: ELF%d for machine %d, not an x86 program", name,
		            bi->elf_class, eh.e_machine);
		goto out;
	}
	read_interp(e, fd, bi);
out:
	if (e)
		elf_end(e);
	return rc;
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
	if (!sb_elf_ready())
		return 0; /* no libelf: nothing to say, let execve decide */
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
	GElf_Ehdr eh;
	size_t nph, n = 0;
	uint64_t first = 0, end = 0;
	bool any = false;
	ssize_t rc = -ENOEXEC;

	if (interp && len)
		interp[0] = '\0';
	if (!sb_elf_ready())
		return -ENOTSUP;
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) ||
	    elf_getphdrnum(e, &nph) != 0 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN))
		goto out;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph))
			goto out;
		if (ph.p_type == PT_INTERP && interp && len) {
			size_t k = ph.p_filesz < len - 1 ? ph.p_filesz : len - 1;
			ssize_t got = pread(fd, interp, k, (off_t)ph.p_offset);
			interp[got > 0 ? got : 0] = '\0';
			continue;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (!any)
			first = ph.p_vaddr;
		any = true;
		end = ph.p_vaddr + ph.p_memsz;
		if (eh.e_type == ET_DYN)
			continue;
		/* A fixed image: the file's pages, then the zero-filled tail
		 * (binfmt_elf's elf_load: the tail goes through vm_brk). */
		uint64_t file_end = ph.p_vaddr + ph.p_filesz;
		uint64_t zero_lo = ph.p_filesz ? PAGE_HI(file_end) : PAGE_LO(ph.p_vaddr);
		if (ph.p_filesz && n < max)
			req[n++] = add_range(&done, PAGE_LO(ph.p_vaddr), PAGE_HI(file_end));
		if (ph.p_memsz > ph.p_filesz && PAGE_HI(end) > zero_lo && n < max)
			req[n++] = add_range(&done, zero_lo, PAGE_HI(end));
	}
	if (!any)
		goto out;
	/* A position-independent image reserves the span of its segments in
	 * one mapping, then fills it (total_mapping_size). */
	if (eh.e_type == ET_DYN && n < max)
		req[n++] = PAGE_HI(end - PAGE_LO(first));
	rc = (ssize_t)n;
out:
	if (e)
		elf_end(e);
	return rc;
}
