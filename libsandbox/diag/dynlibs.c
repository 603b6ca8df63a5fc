/*
 * Loading libelf and libunwind when a backtrace first needs them (see
 * dynlibs.h). Their sonames come from configure (the libraries the build
 * was made against). libunwind-ptrace leaves libunwind's own symbols and
 * lzma's to the process (a program links -lunwind-generic with it), so
 * libunwind-x86_64 is loaded first, RTLD_GLOBAL; everything else stays
 * RTLD_LOCAL. Each table is filled once (pthread_once) and read-only
 * after; a library that is missing or lacks a symbol leaves it NULL.
 */
#include "config.h"
#include "diag/diag.h"
#include "diag/dynlibs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

/* The linker name of a libunwind call (unw_step is _Ux86_64_step). */
#define SB_STR_(x) #x
#define SB_STR(x) SB_STR_(x)

static bool sym(void *h, const char *name, void *fn_ptr_out)
{
	void *p = h ? dlsym(h, name) : NULL;
	memcpy(fn_ptr_out, &p, sizeof(p));
	return p != NULL;
}

static pthread_once_t elf_once = PTHREAD_ONCE_INIT;
static struct sb_libelf elf_tab;
static bool elf_ok;

static void load_libelf(void)
{
	void *h = dlopen(SB_LIBELF_SONAME, RTLD_NOW | RTLD_LOCAL);
	typeof(elf_version) *version = NULL;
	struct sb_libelf *t = &elf_tab;

	elf_ok = sym(h, "elf_version", &version) &&
	         sym(h, "elf_begin", &t->begin) && sym(h, "elf_end", &t->end) &&
	         sym(h, "elf_kind", &t->kind) &&
	         sym(h, "elf_getphdrnum", &t->getphdrnum) &&
	         sym(h, "elf_getshdrstrndx", &t->getshdrstrndx) &&
	         sym(h, "elf_nextscn", &t->nextscn) &&
	         sym(h, "elf_getdata", &t->getdata) &&
	         sym(h, "elf_strptr", &t->strptr) &&
	         sym(h, "gelf_getphdr", &t->getphdr) &&
	         sym(h, "gelf_getshdr", &t->getshdr) &&
	         sym(h, "gelf_getsym", &t->getsym) &&
	         version(EV_CURRENT) != EV_NONE;
	/* A handle that failed stays loaded: dlclose() of a half-used
	 * library is not worth the risk, and this happens once. */
}

const struct sb_libelf *sb_libelf(void)
{
	pthread_once(&elf_once, load_libelf);
	return elf_ok ? &elf_tab : NULL;
}

static pthread_once_t unw_once = PTHREAD_ONCE_INIT;
static struct sb_libunwind unw_tab;
static bool unw_ok;

static void load_libunwind(void)
{
	void *gen = dlopen(SB_LIBUNWIND_GENERIC_SONAME, RTLD_NOW | RTLD_GLOBAL);
	void *upt = gen ? dlopen(SB_LIBUNWIND_PTRACE_SONAME, RTLD_NOW | RTLD_LOCAL)
	                : NULL;
	struct sb_libunwind *t = &unw_tab;

	unw_ok = sym(upt, "_UPT_create", &t->upt_create) &&
	         sym(upt, "_UPT_destroy", &t->upt_destroy) &&
	         sym(upt, "_UPT_access_mem", &t->upt_access_mem) &&
	         sym(upt, "_UPT_access_reg", &t->upt_access_reg) &&
	         sym(upt, "_UPT_access_fpreg", &t->upt_access_fpreg) &&
	         sym(upt, "_UPT_put_unwind_info", &t->upt_put_unwind_info) &&
	         sym(gen, SB_STR(unw_create_addr_space), &t->create_addr_space) &&
	         sym(gen, SB_STR(unw_destroy_addr_space), &t->destroy_addr_space) &&
	         sym(gen, SB_STR(unw_set_caching_policy), &t->set_caching_policy) &&
	         sym(gen, SB_STR(unw_init_remote), &t->init_remote) &&
	         sym(gen, SB_STR(unw_get_reg), &t->get_reg) &&
	         sym(gen, SB_STR(unw_get_proc_info), &t->get_proc_info) &&
	         sym(gen, SB_STR(unw_step), &t->step) &&
	         sym(gen, SB_STR(UNW_OBJ(dwarf_search_unwind_table)),
	             &t->search_unwind_table);
}

const struct sb_libunwind *sb_libunwind(void)
{
	pthread_once(&unw_once, load_libunwind);
	return unw_ok ? &unw_tab : NULL;
}
