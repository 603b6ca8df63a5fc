/*
 * The public names and texts: version, results, ABIs, errors, syscalls.
 */
#include "config.h"
#include "api/api.h"

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
