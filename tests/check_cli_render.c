/*
 * What sandbox-run draws and parses in the library's place (cli/render.c,
 * cli/args.c): the SVG picture of a profile, the host probe as text, the
 * --dir spec. Synthetic figures: nothing runs, no host feature is needed.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "ckrun.h"
#include "args.h"
#include "render.h"

/* Render into memory. */
static char *svg_of(const char *title, const sandbox_sample_t *s, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(sr_profile_svg(f, title, s, n), 0);
	fclose(f);
	return text;
}

/* Well-formed XML: python3's parser when there is one, else a check that
 * the elements nest (enough for what is written). */
static void check_xml(const char *text)
{
	char path[] = "/tmp/check_cli_render.XXXXXX", cmd[512];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "command -v python3 >/dev/null 2>&1 || exit 3;"
	         " python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys."
	         "argv[1]); sys.exit(d.documentElement.tagName != \"svg\")' '%s'",
	         path);
	int rc = system(cmd);
	unlink(path);
	if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) != 3) {
		ck_assert_msg(WEXITSTATUS(rc) == 0, "not a well-formed SVG document");
		return;
	}
	char stack[32][32];
	int depth = 0;
	for (const char *p = strchr(text, '<'); p; p = strchr(p + 1, '<')) {
		size_t len = strcspn(p + 1, " />\n");
		const char *end = strchr(p, '>');
		ck_assert_ptr_nonnull(end);
		if (p[1] == '?')
			continue;
		if (p[1] == '/') {
			ck_assert_int_gt(depth, 0);
			depth--;
			ck_assert_int_eq(strncmp(stack[depth], p + 2, len - 1), 0);
		} else if (end[-1] != '/') {
			ck_assert_int_lt(depth, 32);
			snprintf(stack[depth++], sizeof(stack[0]), "%.*s", (int)len,
			         p + 1);
		}
	}
	ck_assert_int_eq(depth, 0);
}

/* 200 samples of a program growing to 40 MiB at full CPU. */
START_TEST(test_svg)
{
	static sandbox_sample_t s[200];
	for (int i = 0; i < 200; i++) {
		s[i].t_us = i * 2000;
		s[i].cpu_us = i * 1900;
		s[i].user_us = s[i].cpu_us;
		s[i].rss = (int64_t)i << 18;
		s[i].vm = s[i].rss + (8 << 20);
	}
	char *text = svg_of("./prog", s, 200);
	ck_assert_msg(strncmp(text, "<?xml", 5) == 0, "%.40s", text);
	ck_assert_ptr_nonnull(strstr(text, "<svg"));
	ck_assert_ptr_nonnull(strstr(text, "<polyline"));
	ck_assert_ptr_nonnull(strstr(text, "(200 samples, 0.398 s)"));
	ck_assert_ptr_nonnull(strstr(text, "peak VM 57.8 MiB"));
	ck_assert_ptr_null(strstr(text, "no samples"));
	check_xml(text);
	free(text);
}
END_TEST

/* No samples: still a valid picture, saying so; the title is escaped. */
START_TEST(test_svg_empty)
{
	char *text = svg_of("a<b&c", NULL, 0);
	ck_assert_ptr_nonnull(strstr(text, "no samples"));
	ck_assert_ptr_nonnull(strstr(text, "a&lt;b&amp;c"));
	ck_assert_ptr_null(strstr(text, "<polyline"));
	check_xml(text);
	free(text);
}
END_TEST

START_TEST(test_probe_text)
{
	sandbox_probe_t p = { .ptrace = true, .seccomp = true,
	                      .available = S_NS_PID | S_ISO_CAPS,
	                      .cgroup_version = 1, .cgroup_v1 = true,
	                      .nmissing = 1 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	strcpy(p.cgroup_root, "/sys/fs/cgroup/memory/x");
	strcpy(p.strongest, "namespaces");
	strcpy(p.missing[0].what, "user namespaces");
	strcpy(p.missing[0].cause, "disabled");
	strcpy(p.missing[0].fix, "sysctl");
	ck_assert_int_eq(sr_probe_print(f, &p, true), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "ptrace: yes\nseccomp: yes\n"));
	ck_assert_ptr_nonnull(strstr(text, "pid namespace: yes (--ns=pid)\n"));
	ck_assert_ptr_nonnull(strstr(text, "user namespace: no (--ns=user)\n"));
	ck_assert_ptr_nonnull(strstr(text, "capability drop: yes (always)\n"));
	ck_assert_ptr_nonnull(strstr(text, "cgroups: v1 mounted, v2 absent, used: "
	                             "v1 at /sys/fs/cgroup/memory/x\n"));
	ck_assert_ptr_nonnull(strstr(text, "missing user namespaces: disabled\n"
	                             "  fix: sysctl\n"));
	ck_assert_ptr_nonnull(strstr(text, "strongest containment: namespaces\n"));
	ck_assert_ptr_nonnull(strstr(text, "landlock: no (file rules: a private "
	                             "mount view"));
	free(text);
	/* Landlock: the version and what it brings, and what is missing. */
	p.landlock_abi = 2;
	p.landlock_kernel_abi = 7;
	p.landlock_features = S_LL_FS | S_LL_REFER;
	text = NULL;
	f = open_memstream(&text, &len);
	ck_assert_int_eq(sr_probe_print(f, &p, true), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "landlock: ABI 2 (the kernel has 7; "
	                             "a test setting lowers it): "
	                             "file rules, rename/link across "
	                             "directories\n  without ABI 3: truncate(2)"));
	free(text);
	/* Without root a namespace comes with a user namespace: the option
	 * that works is the one named. */
	text = NULL;
	f = open_memstream(&text, &len);
	ck_assert_int_eq(sr_probe_print(f, &p, false), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "pid namespace: yes (--ns=user,pid)\n"));
	ck_assert_ptr_nonnull(strstr(text, "user namespace: no (--ns=user)\n"));
	free(text);
}
END_TEST

START_TEST(test_dir_spec)
{
	static const struct {
		const char *spec, *inside, *outside;
		int mode;
	} t[] = {
		{ "/box=/srv/in:rw", "/box", "/srv/in", S_DIR_RW },
		{ "/box=/srv/in", "/box", "/srv/in", S_DIR_RO },
		{ "/box=/srv/in:ro", "/box", "/srv/in", S_DIR_RO },
		{ "/scratch:tmp", "/scratch", "/scratch", S_DIR_TMP },
		{ "/usr", "/usr", "/usr", S_DIR_RO },
		{ "/data:rw", "/data", "/data", S_DIR_RW },
		{ "/a=/b:c", "/a", "/b:c", S_DIR_RO }, /* not a mode: part of it */
	};
	struct sr_dir d;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(sr_parse_dir(t[i].spec, &d), 0);
		ck_assert_str_eq(d.inside, t[i].inside);
		ck_assert_str_eq(d.outside, t[i].outside);
		ck_assert_int_eq(d.mode, t[i].mode);
	}
	char *big = malloc(5000);
	memset(big, 'x', 4999);
	big[4999] = '\0';
	ck_assert_int_eq(sr_parse_dir(big, &d), -EINVAL);
	ck_assert_int_eq(sr_parse_dir(NULL, &d), -EINVAL);
	free(big);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli_render");
	TCase *tc = tcase_create("render");

	/* Not Check's 4 s: test_svg starts python3 to parse the SVG, which
	 * took longer than that at load average 126 on 2 CPUs. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_svg);
	tcase_add_test(tc, test_svg_empty);
	tcase_add_test(tc, test_probe_text);
	tcase_add_test(tc, test_dir_spec);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
