/*
 * The public names and texts: version, results, signal codes, ABIs,
 * errors, syscalls.
 */
#include "config.h"
#include "api/api.h"

#include <signal.h>

SB_EXPORT const char *sandbox_version(void)
{
	return PACKAGE_VERSION;
}

static const struct {
	const char *code;
	const char *text;
} result_names[S_RESULT_COUNT] = {
	[S_RESULT_PD] = { "PD", "pending (no verdict)" },
	[S_RESULT_OK] = { "OK", "exited normally" },
	[S_RESULT_RF] = { "RF", "restricted function" },
	[S_RESULT_ML] = { "ML", "memory limit exceeded" },
	[S_RESULT_OL] = { "OL", "output limit exceeded" },
	[S_RESULT_TL] = { "TL", "time limit exceeded" },
	[S_RESULT_RT] = { "RT", "run-time error (killed by a signal)" },
	[S_RESULT_AT] = { "AT", "abnormal termination (non-zero exit)" },
	[S_RESULT_IE] = { "IE", "internal error" },
	[S_RESULT_BP] = { "BP", "bad policy" },
};

SB_EXPORT const char *sandbox_result_name(int result)
{
	if (result < 0 || result >= S_RESULT_COUNT)
		return "??";
	return result_names[result].code;
}

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* SIGSYS from a seccomp filter (linux/signal.h) */
#endif

SB_EXPORT const char *sandbox_signal_code_name(int sig, int code)
{
	static const struct { int sig, code; const char *name; } named[] = {
		{ SIGSEGV, SEGV_MAPERR, "SEGV_MAPERR" },
		{ SIGSEGV, SEGV_ACCERR, "SEGV_ACCERR" },
		{ SIGBUS, BUS_ADRALN, "BUS_ADRALN" },
		{ SIGBUS, BUS_ADRERR, "BUS_ADRERR" },
		{ SIGBUS, BUS_OBJERR, "BUS_OBJERR" },
		{ SIGFPE, FPE_INTDIV, "FPE_INTDIV" },
		{ SIGFPE, FPE_INTOVF, "FPE_INTOVF" },
		{ SIGFPE, FPE_FLTDIV, "FPE_FLTDIV" },
		{ SIGFPE, FPE_FLTOVF, "FPE_FLTOVF" },
		{ SIGFPE, FPE_FLTUND, "FPE_FLTUND" },
		{ SIGFPE, FPE_FLTRES, "FPE_FLTRES" },
		{ SIGFPE, FPE_FLTINV, "FPE_FLTINV" },
		{ SIGFPE, FPE_FLTSUB, "FPE_FLTSUB" },
		{ SIGILL, ILL_ILLOPC, "ILL_ILLOPC" },
		{ SIGILL, ILL_ILLOPN, "ILL_ILLOPN" },
		{ SIGILL, ILL_ILLADR, "ILL_ILLADR" },
		{ SIGILL, ILL_ILLTRP, "ILL_ILLTRP" },
		{ SIGILL, ILL_PRVOPC, "ILL_PRVOPC" },
		{ SIGILL, ILL_BADSTK, "ILL_BADSTK" },
		{ SIGTRAP, TRAP_BRKPT, "TRAP_BRKPT" },
		{ SIGTRAP, TRAP_TRACE, "TRAP_TRACE" },
		{ SIGSYS, SYS_SECCOMP, "SYS_SECCOMP" },
	};
	/* Codes any signal may carry: who sent it. */
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TIMER: return "SI_TIMER";
	case SI_MESGQ: return "SI_MESGQ";
	case SI_ASYNCIO: return "SI_ASYNCIO";
	case SI_SIGIO: return "SI_SIGIO";
	case SI_TKILL: return "SI_TKILL";
	}
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].sig == sig && named[i].code == code)
			return named[i].name;
	return NULL;
}

SB_EXPORT const char *sandbox_result_text(int result)
{
	if (result < 0 || result >= S_RESULT_COUNT)
		return "unknown result";
	return result_names[result].text;
}

/* An interaction's own verdicts, after the run results it passes on. */
static const struct {
	const char *code;
	const char *text;
} verdict_names[S_VERDICT_COUNT - S_RESULT_COUNT] = {
	[S_VERDICT_WA - S_RESULT_COUNT] = { "WA", "wrong answer" },
	[S_VERDICT_PE - S_RESULT_COUNT] = { "PE", "presentation error" },
	[S_VERDICT_PT - S_RESULT_COUNT] = { "PT", "partial score (points)" },
	[S_VERDICT_JF - S_RESULT_COUNT] = { "JF",
	                                    "judge failure (the interactor failed)" },
};

SB_EXPORT const char *sandbox_verdict_name(int verdict)
{
	if (verdict >= 0 && verdict < S_RESULT_COUNT)
		return sandbox_result_name(verdict);
	if (verdict < 0 || verdict >= S_VERDICT_COUNT)
		return "??";
	return verdict_names[verdict - S_RESULT_COUNT].code;
}

SB_EXPORT const char *sandbox_verdict_text(int verdict)
{
	if (verdict >= 0 && verdict < S_RESULT_COUNT)
		return sandbox_result_text(verdict);
	if (verdict < 0 || verdict >= S_VERDICT_COUNT)
		return "unknown verdict";
	return verdict_names[verdict - S_RESULT_COUNT].text;
}

SB_EXPORT const char *sandbox_abi_name(int abi)
{
	return sb_abi_name(abi);
}

SB_EXPORT const char *sandbox_strerror(int err)
{
	return sb_strerror(err);
}

SB_EXPORT const char *sandbox_syscall_name(int abi, long nr, char *buf,
                                           size_t len)
{
	return sb_syscall_name(abi, nr, buf, len);
}

SB_EXPORT long sandbox_syscall_number(int abi, const char *name)
{
	return sb_syscall_number(abi, name);
}
