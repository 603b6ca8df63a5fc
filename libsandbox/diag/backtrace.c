/*
 * Backtraces of the stopped program: unwound with libunwind's remote
 * (ptrace) interface -- which needs the tracer thread, the one calling
 * this -- with unwind tables from ehframe.c, falling back to frame-pointer
 * walking with process_vm_readv when it fails, and symbolized with libelf
 * (both loaded when first needed: dynlibs.c) from the files mapped in the
 * program (/proc/PID/maps read once per backtrace; symtab, then dynsym;
 * PIE and shared libraries through the mapping's load bias).
 *
 * Bounded: SANDBOX_BACKTRACE_MAX frames and SANDBOX_BACKTRACE_MS in all;
 * a corrupt stack ends the walk early (partial trace), it never hangs.
 */
#include "config.h"
#include "diag/diag.h"

#include <errno.h>
#include <fcntl.h>
#include "diag/dynlibs.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>

/* libelf and libunwind are loaded on first use (dynlibs.c). Every call
 * below is reached only once they are: symbolize() and open_module() ask
 * for libelf, unwind_remote() for libunwind. */
static inline const struct sb_libelf *lelf(void)
{
	return sb_libelf();
}

static inline const struct sb_libunwind *lunw(void)
{
	return sb_libunwind();
}

#define MAX_MAPS 1024
#define MAX_MODULES 16

struct bt_map {
	uint64_t start, end, off;
	char path[256];
};

/* An ELF file opened for symbolization, once per backtrace. */
struct bt_module {
	char path[256];
	int fd;
	Elf *elf;
	/* .eh_frame search table (ehframe.c), built on first use */
	bool table_tried;
	int32_t *table;
	size_t ntable;
};

struct bt_ctx {
	pid_t pid;
	int64_t deadline;
	struct bt_map *maps;
	size_t nmaps;
	struct bt_module mod[MAX_MODULES];
	size_t nmod;
};

/* ------------------------------------------------------------ maps */

static void parse_map_line(struct bt_ctx *c, const char *line)
{
	struct bt_map m;
	char perms[8];
	int pos = 0;

	if (c->nmaps >= MAX_MAPS)
		return;
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*u %n",
	           &m.start, &m.end, perms, &m.off, &pos) != 4 || pos == 0)
		return;
	if (perms[2] != 'x') /* only code can hold a pc */
		return;
	const char *p = line + pos;
	size_t n = strcspn(p, "\n");
	if (n == 0)
		return;
	if (n >= sizeof(m.path))
		n = sizeof(m.path) - 1;
	memcpy(m.path, p, n);
	m.path[n] = '\0';
	c->maps[c->nmaps++] = m;
}

static int read_maps(struct bt_ctx *c)
{
	char path[64], line[512];

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)c->pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!(c->maps = calloc(MAX_MAPS, sizeof(*c->maps)))) {
		fclose(f);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), f))
		parse_map_line(c, line);
	fclose(f);
	return 0;
}

static const struct bt_map *find_map(const struct bt_ctx *c, uint64_t pc)
{
	for (size_t i = 0; i < c->nmaps; i++)
		if (pc >= c->maps[i].start && pc < c->maps[i].end)
			return &c->maps[i];
	return NULL;
}

/* ------------------------------------------------------------ ELF */

static struct bt_module *open_module(struct bt_ctx *c, const struct bt_map *m)
{
	char path[400];

	for (size_t i = 0; i < c->nmod; i++)
		if (strcmp(c->mod[i].path, m->path) == 0)
			return &c->mod[i];
	if (c->nmod == MAX_MODULES || m->path[0] != '/')
		return NULL;
	struct bt_module *mod = &c->mod[c->nmod];
	memset(mod, 0, sizeof(*mod));
	/* The program's own view first (a box root, a deleted file). */
	snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64,
	         (int)c->pid, m->start, m->end);
	mod->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (mod->fd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/root%s", (int)c->pid,
		         m->path);
		mod->fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (mod->fd < 0)
		mod->fd = open(m->path, O_RDONLY | O_CLOEXEC);
	mod->elf = mod->fd >= 0 && lelf()
	           ? lelf()->begin(mod->fd, ELF_C_READ, NULL) : NULL;
	if (mod->elf && lelf()->kind(mod->elf) != ELF_K_ELF) {
		lelf()->end(mod->elf);
		mod->elf = NULL;
	}
	snprintf(mod->path, sizeof(mod->path), "%s", m->path);
	c->nmod++; /* a failure is remembered too */
	return mod;
}

static Elf *module_elf(struct bt_ctx *c, const struct bt_map *m)
{
	struct bt_module *mod = open_module(c, m);
	return mod ? mod->elf : NULL;
}

/* File offset -> ELF virtual address through the PT_LOAD holding it. */
static uint64_t file_to_vaddr(Elf *e, uint64_t off)
{
	size_t nph;

	if (lelf()->getphdrnum(e, &nph) != 0)
		return off;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (lelf()->getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    off >= ph.p_offset && off < ph.p_offset + ph.p_filesz)
			return off - ph.p_offset + ph.p_vaddr;
	}
	return off;
}

struct sym_hit {
	const char *name;
	uint64_t value;
};

/* The function symbol of section `scn` containing vaddr (the closest one
 * below it when sizes are 0). */
static void search_symtab(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh,
                          uint64_t vaddr, struct sym_hit *best)
{
	Elf_Data *data = lelf()->getdata(scn, NULL);
	if (!data || sh->sh_entsize == 0)
		return;
	size_t n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		if (!lelf()->getsym(data, (int)i, &s) || s.st_shndx == SHN_UNDEF)
			continue;
		int t = GELF_ST_TYPE(s.st_info);
		if ((t != STT_FUNC && t != STT_GNU_IFUNC) || s.st_value > vaddr)
			continue;
		if (s.st_size && vaddr >= s.st_value + s.st_size)
			continue;
		if (best->name && s.st_value <= best->value)
			continue;
		const char *name = lelf()->strptr(e, sh->sh_link, s.st_name);
		if (name && name[0]) {
			best->name = name;
			best->value = s.st_value;
		}
	}
}

static bool lookup_symbol(Elf *e, uint64_t vaddr, struct sym_hit *hit)
{
	static const unsigned types[2] = { SHT_SYMTAB, SHT_DYNSYM };

	for (int k = 0; k < 2; k++) {
		Elf_Scn *scn = NULL;
		hit->name = NULL;
		while ((scn = lelf()->nextscn(e, scn)) != NULL) {
			GElf_Shdr sh;
			if (lelf()->getshdr(scn, &sh) && sh.sh_type == types[k])
				search_symtab(e, scn, &sh, vaddr, hit);
		}
		if (hit->name)
			return true;
	}
	return false;
}

/* Fill module, symbol and offset of frame f. Return addresses (frames
 * above 0) are looked up one byte back: the call, not what follows it. */
static void symbolize(struct bt_ctx *c, sandbox_frame_t *f, bool is_return)
{
	uint64_t look = is_return && f->pc ? f->pc - 1 : f->pc;
	const struct bt_map *m = find_map(c, look);
	struct sym_hit hit = { NULL, 0 };

	f->symbol[0] = '\0';
	if (!m) {
		snprintf(f->module, sizeof(f->module), "?");
		f->offset = f->pc;
		return;
	}
	snprintf(f->module, sizeof(f->module), "%s", m->path);
	Elf *e = module_elf(c, m);
	if (!e) {
		f->offset = f->pc - m->start + m->off;
		return;
	}
	uint64_t vaddr = file_to_vaddr(e, look - m->start + m->off);
	uint64_t pc_vaddr = vaddr + (f->pc - look);
	if (lookup_symbol(e, vaddr, &hit)) {
		snprintf(f->symbol, sizeof(f->symbol), "%s", hit.name);
		f->offset = pc_vaddr - hit.value;
	} else {
		f->offset = pc_vaddr;
	}
}

static void close_ctx(struct bt_ctx *c)
{
	for (size_t i = 0; i < c->nmod; i++) {
		if (c->mod[i].elf)
			lelf()->end(c->mod[i].elf);
		if (c->mod[i].fd >= 0)
			close(c->mod[i].fd);
		free(c->mod[i].table);
	}
	free(c->maps);
}

/* ------------------------------------------------------------ unwinding */

/*
 * libunwind's ptrace accessors, with our own find_proc_info: the unwind
 * info of the module holding an address is its .eh_frame, indexed by
 * ehframe.c (the .eh_frame_hdr table, or one built from .eh_frame when
 * the linker wrote no header: gcc links static programs so, and
 * libunwind-ptrace then finds nothing), and searched with libunwind's own
 * table search. The table is served from our memory at an address no
 * user-space program can have; the FDEs are read from the program, where
 * .eh_frame is mapped. perf does the same with the tables it reads.
 * The _UPT_ functions called here are leaves: they never call back
 * through the accessors (their `arg` is the UPT handle, ours is bt_unw).
 */
#define BT_TABLE_ADDR 0xffffff0000000000ULL /* kernel half */

struct bt_unw {
	void *upt;
	struct bt_ctx *c;
	const int32_t *table; /* of the current lookup */
	size_t table_bytes;
};

static int eh_lookup(unw_addr_space_t as, struct bt_unw *u, unw_word_t ip,
                     unw_proc_info_t *pi, int need)
{
	const struct bt_map *m = find_map(u->c, ip);
	struct bt_module *mod = m ? open_module(u->c, m) : NULL;

	if (!mod || !mod->elf)
		return -UNW_ENOINFO;
	if (!mod->table_tried) {
		int32_t *t;
		ssize_t n = sb_ehframe_table(mod->elf, &t);
		mod->table_tried = true;
		mod->table = n > 0 ? t : NULL;
		mod->ntable = n > 0 ? (size_t)n : 0;
	}
	if (!mod->ntable)
		return -UNW_ENOINFO;
	unw_dyn_info_t di = {
		.start_ip = m->start, .end_ip = m->end,
		.format = UNW_INFO_FORMAT_REMOTE_TABLE,
		.u.rti = {
			/* load bias: the table holds ELF addresses */
			.segbase = m->start - file_to_vaddr(mod->elf, m->off),
			.table_len = mod->ntable, /* 8-byte entries: words */
			.table_data = BT_TABLE_ADDR,
		},
	};
	u->table = mod->table;
	u->table_bytes = mod->ntable * 2 * sizeof(*mod->table);
	int rc = lunw()->search_unwind_table(as, ip, &di, pi, need, u);
	u->table = NULL;
	return rc;
}

static int bt_find_proc_info(unw_addr_space_t as, unw_word_t ip,
                             unw_proc_info_t *pi, int need, void *arg)
{
	return eh_lookup(as, arg, ip, pi, need);
}

static int bt_access_mem(unw_addr_space_t as, unw_word_t addr,
                         unw_word_t *val, int write, void *arg)
{
	struct bt_unw *u = arg;
	/* Past the deadline every read fails, so a walk stuck inside one
	 * step ends too: the program writes its own unwind info, and a
	 * DWARF expression that jumps back to itself (DW_OP_skip) loops
	 * in libunwind's evaluator, which reads each operation here. */
	if (sb_now_ns() > u->c->deadline)
		return -UNW_EINVAL;
	if (addr < BT_TABLE_ADDR)
		return lunw()->upt_access_mem(as, addr, val, write, u->upt);
	size_t off = addr - BT_TABLE_ADDR;
	if (write || !u->table || off > u->table_bytes ||
	    u->table_bytes - off < sizeof(*val))
		return -UNW_EINVAL;
	memcpy(val, (const char *)u->table + off, sizeof(*val));
	return 0;
}

static void bt_put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi,
                               void *arg)
{
	lunw()->upt_put_unwind_info(as, pi, ((struct bt_unw *)arg)->upt);
}

/* No unwind info registered at run time (JITs): libunwind goes on to
 * find_proc_info. */
static int bt_get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr,
                                     void *arg)
{
	(void)as; (void)addr; (void)arg;
	return -UNW_ENOINFO;
}

static int bt_access_reg(unw_addr_space_t as, unw_regnum_t reg,
                         unw_word_t *val, int write, void *arg)
{
	return lunw()->upt_access_reg(as, reg, val, write, ((struct bt_unw *)arg)->upt);
}

static int bt_access_fpreg(unw_addr_space_t as, unw_regnum_t reg,
                           unw_fpreg_t *val, int write, void *arg)
{
	return lunw()->upt_access_fpreg(as, reg, val, write,
	                         ((struct bt_unw *)arg)->upt);
}

static int bt_resume(unw_addr_space_t as, unw_cursor_t *cur, void *arg)
{
	(void)as; (void)cur; (void)arg;
	return -UNW_EINVAL; /* we never resume through libunwind */
}


/* libunwind over ptrace. Returns the number of pcs; *partial when the
 * walk ended on an error or a bound rather than at the outermost frame. */
static size_t unwind_remote(struct bt_ctx *c, uint64_t *pcs,
                            size_t max, bool *partial, bool *no_info)
{
	unw_accessors_t acc = { /* copied by libunwind */
		.find_proc_info = bt_find_proc_info,
		.put_unwind_info = bt_put_unwind_info,
		.get_dyn_info_list_addr = bt_get_dyn_info_list_addr,
		.access_mem = bt_access_mem,
		.access_reg = bt_access_reg,
		.access_fpreg = bt_access_fpreg,
		.resume = bt_resume,
		.get_proc_name = NULL, /* optional; symbolize() names frames */
	};
	size_t n = 0;
	*partial = true;
	if (!lunw())
		return 0;
	unw_addr_space_t as = lunw()->create_addr_space(&acc, 0);
	struct bt_unw u = { .upt = as ? lunw()->upt_create(c->pid) : NULL, .c = c };
	unw_cursor_t cur;
	unw_word_t prev_sp = 0;
	int rc = -1;

	*partial = true;
	if (!u.upt)
		goto out;
	lunw()->set_caching_policy(as, UNW_CACHE_NONE);
	if (lunw()->init_remote(&cur, as, &u) < 0)
		goto out;
	do {
		unw_word_t ip, sp;
		if (lunw()->get_reg(&cur, UNW_REG_IP, &ip) < 0 ||
		    lunw()->get_reg(&cur, UNW_REG_SP, &sp) < 0 || ip == 0)
			break;
		/* The stack grows down: an outer frame below an inner one is
		 * a corrupt (or looping) stack. */
		if (n > 0 && sp < prev_sp)
			break;
		prev_sp = sp;
		unw_proc_info_t pi;
		if (n == 0 && lunw()->get_proc_info(&cur, &pi) < 0)
			*no_info = true; /* the rest would be guesswork */
		pcs[n++] = ip;
		if (n == max || sb_now_ns() > c->deadline)
			break;
		rc = lunw()->step(&cur);
	} while (rc > 0);
	if (rc == 0)
		*partial = false;
out:
	if (u.upt)
		lunw()->upt_destroy(u.upt);
	if (as)
		lunw()->destroy_addr_space(as);
	return n;
}

static bool read_words(pid_t pid, uint64_t addr, uint64_t *w, size_t n)
{
	struct iovec l = { .iov_base = w, .iov_len = n * sizeof(*w) };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr,
	                   .iov_len = n * sizeof(*w) };
	return process_vm_readv(pid, &l, 1, &r, 1, 0) == (ssize_t)l.iov_len;
}

/* Frame pointers: [rbp] = caller's rbp, [rbp+8] = return address. */
static size_t unwind_fp(const struct bt_ctx *c, uint64_t *pcs, size_t max,
                        bool *partial)
{
	struct user_regs_struct regs;
	size_t n = 0;

	*partial = true;
	if (ptrace(PTRACE_GETREGS, c->pid, NULL, &regs) < 0)
		return 0;
	pcs[n++] = regs.rip;
	uint64_t fp = regs.rbp;
	while (n < max && sb_now_ns() <= c->deadline) {
		uint64_t w[2];
		if (fp == 0) {
			*partial = false;
			break;
		}
		if ((fp & 7) || !read_words(c->pid, fp, w, 2) || w[1] == 0)
			break;
		pcs[n++] = w[1];
		if (w[0] != 0 && w[0] <= fp)
			break;
		fp = w[0];
	}
	return n;
}

/* Is pc a return address: in an executable mapping, right after a call
 * instruction (call rel32; call *reg, *disp8(reg), *disp32(%rip))? */
static bool after_call(const struct bt_ctx *c, uint64_t pc)
{
	unsigned char b[8];
	uint64_t w;

	if (pc < 8 || !find_map(c, pc) || !read_words(c->pid, pc - 8, &w, 1))
		return false;
	memcpy(b, &w, sizeof(b));
	return b[3] == 0xe8 ||                                  /* rel32 */
	       (b[6] == 0xff && (b[7] & 0xf8) == 0xd0) ||       /* *%reg */
	       (b[5] == 0xff && (b[6] & 0xf8) == 0x50) ||       /* *d8(%reg) */
	       (b[2] == 0xff && b[3] == 0x15);                  /* *d32(%rip) */
}

/* Last resort when there is neither unwind info (no .eh_frame: stripped
 * with --remove-section, hand-written code) nor frame pointers: scan the stack from rsp up
 * for words that are return addresses. Heuristic: a stale return address
 * left in a dead frame may show up as an extra frame. */
static size_t unwind_scan(const struct bt_ctx *c, uint64_t *pcs, size_t max)
{
	struct user_regs_struct regs;
	uint64_t w[512];
	size_t n = 0;

	if (ptrace(PTRACE_GETREGS, c->pid, NULL, &regs) < 0)
		return 0;
	pcs[n++] = regs.rip;
	uint64_t sp = regs.rsp & ~7ULL;
	for (int page = 0; page < 16 && n < max; page++) {
		if (!read_words(c->pid, sp, w, SB_ARRAY_SIZE(w)))
			break; /* the end of the stack mapping */
		for (size_t i = 0; i < SB_ARRAY_SIZE(w) && n < max; i++)
			if (after_call(c, w[i]))
				pcs[n++] = w[i];
		sp += sizeof(w);
		if (sb_now_ns() > c->deadline)
			break;
	}
	return n;
}

/* ------------------------------------------------------------ the hook */

static void take(struct sb_diag *d, pid_t pid)
{
	uint64_t pcs[SANDBOX_BACKTRACE_MAX], fpcs[SANDBOX_BACKTRACE_MAX];
	struct bt_ctx c = { .pid = pid };
	bool partial, fpartial, no_info = false;
	int64_t t0 = sb_now_ns();

	c.deadline = t0 + (int64_t)SANDBOX_BACKTRACE_MS * 1000000;
	(void)read_maps(&c);
	size_t n = unwind_remote(&c, pcs, SANDBOX_BACKTRACE_MAX, &partial,
	                         &no_info);
	/* Without unwind info libunwind guesses; a guess that is not a
	 * return address ends its trace. */
	for (size_t i = 1; c.maps && i < n; i++) {
		if (!after_call(&c, pcs[i])) {
			no_info = partial = true;
			n = i;
		}
	}
	if (n < 2 || no_info || partial) {
		size_t fn = unwind_fp(&c, fpcs, SANDBOX_BACKTRACE_MAX, &fpartial);
		bool fp_ok = fn >= 3 || (fn > n && !fpartial);
		for (size_t i = 1; fp_ok && i < fn; i++)
			fp_ok = c.maps && after_call(&c, fpcs[i]);
		if (!fp_ok && c.maps) {
			fn = unwind_scan(&c, fpcs, SANDBOX_BACKTRACE_MAX);
			fpartial = true;
			fp_ok = fn > n;
			d->bt.stack_scan = fp_ok;
		}
		if (fp_ok && fn > n) {
			memcpy(pcs, fpcs, fn * sizeof(*pcs));
			n = fn;
			partial = fpartial;
			d->bt.frame_pointers = !d->bt.stack_scan;
		}
	}
	for (size_t i = 0; i < n; i++) {
		sandbox_frame_t *f = &d->frames[i];
		memset(f, 0, sizeof(*f));
		f->pc = pcs[i];
		if (c.maps && lelf())
			symbolize(&c, f, i > 0);
		else
			snprintf(f->module, sizeof(f->module), "?");
	}
	close_ctx(&c);
	d->bt.nframes = n;
	d->bt.partial = partial;
	d->bt.elapsed_us = (sb_now_ns() - t0) / 1000;
}

void sb_diag_backtrace(struct sb_diag *d, pid_t pid, unsigned reason, int sig)
{
	if (!d || !(d->bt_when & reason) || pid <= 0)
		return;
	if (!d->frames &&
	    !(d->frames = calloc(SANDBOX_BACKTRACE_MAX, sizeof(*d->frames))))
		return;
	memset(&d->bt, 0, sizeof(d->bt));
	d->bt.reason = reason;
	d->bt.signal = sig;
	take(d, pid);
}

/* Does the program catch sig (SigCgt of /proc/PID/status)? */
static bool catches(pid_t pid, int sig)
{
	return sb_proc_sig_action(pid, sig) == SB_SIG_CAUGHT;
}

void sb_diag_on_signal(struct sb_diag *d, pid_t pid, int sig)
{
	if (!d || !(d->bt_when & S_BT_SIGNAL))
		return;
	if (sig != SIGSEGV && sig != SIGFPE && sig != SIGABRT && sig != SIGBUS &&
	    sig != SIGILL)
		return;
	if (catches(pid, sig)) /* a handler runs: not (yet) the end */
		return;
	sb_diag_backtrace(d, pid, S_BT_SIGNAL, sig);
}

int sb_diag_on_marked(struct sb_diag *d, pid_t pid, int type)
{
	sb_diag_backtrace(d, pid, S_BT_MARKED, 0);
	return type & ~S_ACTION_FLAG_BACKTRACE;
}
