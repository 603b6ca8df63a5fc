/*
 * libelf and libunwind, loaded (dlopen) the first time a backtrace needs
 * them, never at the library's load: a process that takes no backtrace --
 * every run of a judge -- maps neither them nor zlib and lzma. What
 * backtrace.c and ehframe.c call goes through these tables; the ELF facts
 * of sandbox_check() are read without either (elfinfo.c).
 */
#ifndef LIBSANDBOX_DIAG_DYNLIBS_H
#define LIBSANDBOX_DIAG_DYNLIBS_H

#include <gelf.h>
#include <libelf.h>
#include <libunwind-ptrace.h>

struct sb_libelf {
	typeof(elf_begin) *begin;
	typeof(elf_end) *end;
	typeof(elf_kind) *kind;
	typeof(elf_getphdrnum) *getphdrnum;
	typeof(elf_getshdrstrndx) *getshdrstrndx;
	typeof(elf_nextscn) *nextscn;
	typeof(elf_getdata) *getdata;
	typeof(elf_strptr) *strptr;
	typeof(gelf_getphdr) *getphdr;
	typeof(gelf_getshdr) *getshdr;
	typeof(gelf_getsym) *getsym;
};

/* The ptrace accessors and what backtrace.c calls of libunwind itself
 * (its table search is internal API: dwarf_search_unwind_table). */
struct sb_libunwind {
	typeof(_UPT_create) *upt_create;
	typeof(_UPT_destroy) *upt_destroy;
	typeof(_UPT_access_mem) *upt_access_mem;
	typeof(_UPT_access_reg) *upt_access_reg;
	typeof(_UPT_access_fpreg) *upt_access_fpreg;
	typeof(_UPT_put_unwind_info) *upt_put_unwind_info;
	typeof(unw_create_addr_space) *create_addr_space;
	typeof(unw_destroy_addr_space) *destroy_addr_space;
	typeof(unw_set_caching_policy) *set_caching_policy;
	typeof(unw_init_remote) *init_remote;
	typeof(unw_get_reg) *get_reg;
	typeof(unw_get_proc_info) *get_proc_info;
	typeof(unw_step) *step;
	int (*search_unwind_table)(unw_addr_space_t as, unw_word_t ip,
	                           unw_dyn_info_t *di, unw_proc_info_t *pi,
	                           int need_unwind_info, void *arg);
};

/* Loaded once per process (and libelf's version handshake done); NULL
 * when the library cannot be loaded: then backtraces do without it
 * (frames unnamed, frame pointers only). */
const struct sb_libelf *sb_libelf(void);
const struct sb_libunwind *sb_libunwind(void);

#endif /* LIBSANDBOX_DIAG_DYNLIBS_H */
