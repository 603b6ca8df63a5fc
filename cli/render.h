/*
 * sandbox-run: pictures and text drawn from the library's figures (the
 * library hands out data; how it looks is the tool's business).
 */
#ifndef SANDBOX_RUN_RENDER_H
#define SANDBOX_RUN_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "sandbox.h"

/* The samples of a profile (memory and CPU over time) as a small
 * self-contained SVG document titled `title` (escaped). No samples gives
 * a picture saying so. 0 or -errno. */
int sr_profile_svg(FILE *f, const char *title, const sandbox_sample_t *s,
                   size_t n);
/* The same for the last run of sb (sandbox_get_samples). */
int sr_write_profile_svg(FILE *f, const sandbox_t *sb, const char *title);

/* The host probe as text, one line per feature with the option that asks
 * for it ("pid namespace: yes (--ns=pid)"; for a caller that is not
 * `root`, the namespaces through --ns=user), then one "cause / fix" pair
 * per missing thing (--check). 0 or -errno. */
int sr_probe_print(FILE *f, const sandbox_probe_t *p, bool root);

#endif
