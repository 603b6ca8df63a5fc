/*
 * No built-in filters: what tools/gen-filters itself links (it makes the
 * real table, libsandbox/policy/filters_builtin.c), and the library when
 * it is cross-compiled (the generator cannot run on the build machine).
 */
#include "config.h"
#include "policy/policy.h"

const struct sb_filter_builtin sb_filters_builtin[1];
const size_t sb_filters_builtin_count = 0;
const unsigned sb_filters_builtin_scmp[3];
