/*
 * What sandbox-run draws and prints from the library's figures, in the
 * library's place: the SVG picture of a profile's samples (--profile-svg)
 * and the host probe as text (--check).
 */
#include "config.h"
#include "render.h"

#include <errno.h>
#include <stdlib.h>

/* ------------------------------------------------------------ SVG */

#define SVG_W 640
#define SVG_PLOT_X 70
#define SVG_PLOT_W 540
#define SVG_PLOT_H 130

static void svg_escape(FILE *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fprintf(b, "&amp;"); break;
		case '<': fprintf(b, "&lt;"); break;
		case '>': fprintf(b, "&gt;"); break;
		case '"': fprintf(b, "&quot;"); break;
		default:
			/* Control bytes are not allowed in XML 1.0. */
			fputc((unsigned char)*s < 0x20 ? '?' : *s, b);
		}
	}
}

/* One panel: frame, title, y-axis maximum, and a polyline of ys. */
static void svg_panel(FILE *b, int top, const char *title,
                      const char *unit, double ymax, const double *ys,
                      const sandbox_sample_t *s, size_t n, double tmax,
                      const char *color)
{
	fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	        "fill=\"none\" stroke=\"#888\"/>\n", SVG_PLOT_X, top,
	        SVG_PLOT_W, SVG_PLOT_H);
	fprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s</text>\n",
	        SVG_PLOT_X, top - 6, title);
	fprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	        "text-anchor=\"end\">%.1f %s</text>\n", SVG_PLOT_X - 4,
	        top + 10, ymax, unit);
	fprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	        "text-anchor=\"end\">0</text>\n", SVG_PLOT_X - 4,
	        top + SVG_PLOT_H);
	if (n == 0)
		return;
	fprintf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
	        "points=\"", color);
	for (size_t i = 0; i < n; i++) {
		double x = SVG_PLOT_X + (tmax > 0 ? s[i].t_us / tmax : 0) * SVG_PLOT_W;
		double y = top + SVG_PLOT_H -
		           (ymax > 0 ? ys[i] / ymax : 0) * SVG_PLOT_H;
		fprintf(b, "%s%.1f,%.1f", i ? " " : "", x, y);
	}
	fprintf(b, "\"/>\n");
}

/* CPU use between consecutive samples, in percent of one CPU. */
static void cpu_percent(const sandbox_sample_t *s, size_t n, double *out)
{
	for (size_t i = 0; i < n; i++) {
		out[i] = 0;
		if (i == 0 || s[i].t_us <= s[i - 1].t_us || s[i].cpu_us < 0 ||
		    s[i - 1].cpu_us < 0)
			continue;
		out[i] = 100.0 * (double)(s[i].cpu_us - s[i - 1].cpu_us) /
		         (double)(s[i].t_us - s[i - 1].t_us);
	}
}

static void svg_body(FILE *b, const char *title,
                     const sandbox_sample_t *s, size_t n, double *tmp)
{
	double tmax = n ? (double)s[n - 1].t_us : 0, mmax = 0, cmax = 100;
	int64_t vm_peak = 0;

	fprintf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	        "height=\"400\" viewBox=\"0 0 %d 400\" "
	        "font-family=\"sans-serif\">\n"
	        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	        SVG_W, SVG_W);
	fprintf(b, "<title>libsandbox profile: ");
	svg_escape(b, title);
	fprintf(b, "</title>\n<text x=\"10\" y=\"18\" font-size=\"14\">");
	svg_escape(b, title);
	fprintf(b, " (%zu samples, %.3f s)</text>\n", n, tmax / 1e6);
	for (size_t i = 0; i < n; i++) {
		tmp[i] = (double)s[i].rss / 1048576.0;
		if (tmp[i] > mmax)
			mmax = tmp[i];
		if (s[i].vm > vm_peak)
			vm_peak = s[i].vm;
	}
	char mem_title[96];
	snprintf(mem_title, sizeof(mem_title), "Resident memory (peak VM %.1f MiB)",
	         (double)vm_peak / 1048576.0);
	svg_panel(b, 50, mem_title, "MiB", mmax, tmp, s, n, tmax, "#1f77b4");
	cpu_percent(s, n, tmp);
	for (size_t i = 0; i < n; i++)
		if (tmp[i] > cmax)
			cmax = tmp[i];
	svg_panel(b, 225, "CPU (% of one CPU)", "%", cmax, tmp, s, n, tmax,
	        "#d62728");
	fprintf(b, "<text x=\"%d\" y=\"375\" font-size=\"11\">0 s</text>\n"
	        "<text x=\"%d\" y=\"375\" font-size=\"11\" text-anchor=\"end\">"
	        "%.3f s</text>\n", SVG_PLOT_X, SVG_PLOT_X + SVG_PLOT_W,
	        tmax / 1e6);
	if (n == 0)
		fprintf(b, "<text x=\"%d\" y=\"120\" font-size=\"13\">no samples "
		          "(sandbox_set_profile interval 0, or the run was too "
		          "short)</text>\n", SVG_PLOT_X + 10);
	fprintf(b, "</svg>\n");
}

int sr_profile_svg(FILE *f, const char *title, const sandbox_sample_t *s,
                   size_t n)
{
	double *tmp = calloc(n ? n : 1, sizeof(*tmp));

	if (!tmp)
		return -ENOMEM;
	svg_body(f, title, n ? s : NULL, n, tmp);
	free(tmp);
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}

int sr_write_profile_svg(FILE *f, const sandbox_t *sb, const char *title)
{
	sandbox_sample_t *s = NULL;
	ssize_t n = sandbox_get_samples(sb, NULL, 0, 0);
	int rc;

	if (n < 0)
		return (int)n;
	if (n > 0 && !(s = calloc((size_t)n, sizeof(*s))))
		return -ENOMEM;
	if (n > 0)
		n = sandbox_get_samples(sb, s, (size_t)n, sizeof(*s));
	rc = n < 0 ? (int)n : sr_profile_svg(f, title, s, (size_t)n);
	free(s);
	return rc;
}

/* ------------------------------------------------------------ probe */

/* "landlock: ABI 7: file rules, ..." -- what the kernel enforces of the
 * policies' file rules here, and what it does without (sandbox.h, "File
 * rules"). */
static void print_landlock(FILE *out, const sandbox_probe_t *p)
{
	static const struct { unsigned bit; const char *name; } f[] = {
		{ S_LL_FS, "file rules" },
		{ S_LL_REFER, "rename/link across directories" },
		{ S_LL_TRUNCATE, "truncation" },
		{ S_LL_NET_TCP, "TCP bind/connect refused where a policy allows no "
		                "socket" },
		{ S_LL_IOCTL_DEV, "no ioctl on device files the program opens" },
		{ S_LL_SCOPE_SIGNAL, "signals scoped to the sandbox" },
		{ S_LL_SCOPE_ABSTRACT_UNIX, "abstract unix sockets scoped" },
	};
	const char *sep = "";

	if (p->landlock_abi < 1) {
		fprintf(out, "landlock: no (file rules: a private mount view where "
		        "namespaces allow it, else refused unless best effort)\n");
		return;
	}
	fprintf(out, "landlock: ABI %d", p->landlock_abi);
	if (p->landlock_kernel_abi != p->landlock_abi)
		fprintf(out, " (the kernel has %d; a test setting "
		        "lowers it)", p->landlock_kernel_abi);
	fputs(": ", out);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!(p->landlock_features & f[i].bit))
			continue;
		fprintf(out, "%s%s", sep, f[i].name);
		sep = ", ";
	}
	fputc('\n', out);
	if (!(p->landlock_features & S_LL_REFER))
		fputs("  without ABI 2: rename and link across directories fail "
		      "(EXDEV)\n", out);
	if (!(p->landlock_features & S_LL_TRUNCATE))
		fputs("  without ABI 3: truncate(2) and O_TRUNC opens without "
		      "write access are refused by the seccomp filter\n", out);
}

int sr_probe_print(FILE *out, const sandbox_probe_t *p, bool root)
{
	/* Each feature with the option that asks for it; without root the
	 * namespaces come through a user namespace, so the option says so
	 * (a run without it is refused). */
	static const struct {
		unsigned bit;
		const char *name, *opt, *unpriv;
	} f[] = {
		{ S_NS_PID, "pid namespace", "--ns=pid", "--ns=user,pid" },
		{ S_NS_IPC, "ipc namespace", "--ns=ipc", "--ns=user,ipc" },
		{ S_NS_UTS, "uts namespace", "--ns=uts", "--ns=user,uts" },
		{ S_NS_NET, "net namespace", "--ns=net", "--ns=user,net" },
		{ S_NS_MOUNT, "mount namespace", "--ns=mount", "--ns=user,mount" },
		{ S_NS_USER, "user namespace", "--ns=user", "--ns=user" },
		{ S_ISO_FS, "box root", "--rootfs, --dir",
		  "--ns=user with --rootfs, --dir" },
		{ S_ISO_PIVOT, "pivot_root", "the box is entered with it", NULL },
		{ S_ISO_CG_MEMORY, "cgroup memory", "--cg-memory", NULL },
		{ S_ISO_CG_PIDS, "cgroup pids", "--cg-pids", NULL },
		{ S_ISO_CG_CPU, "cgroup cpu", "--cg-cpu", NULL },
		{ S_ISO_CAPS, "capability drop", "always", NULL },
	};

	fprintf(out, "ptrace: %s\nseccomp: %s\n", p->ptrace ? "yes" : "no",
	        p->seccomp ? "yes" : "no");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		fprintf(out, "%s: %s (%s)\n", f[i].name,
		        (p->available & f[i].bit) ? "yes" : "no",
		        !root && f[i].unpriv ? f[i].unpriv : f[i].opt);
	print_landlock(out, p);
	fprintf(out, "cgroups: v1 %s, v2 %s, used: %s%s%s\n",
	        p->cgroup_v1 ? "mounted" : "absent", p->cgroup_v2 ? "mounted" : "absent",
	        p->cgroup_version == 2 ? "v2" : p->cgroup_version == 1 ? "v1" : "none",
	        p->cgroup_root[0] ? " at " : "", p->cgroup_root);
	for (unsigned i = 0; i < p->nmissing && i < SANDBOX_PROBE_MAX; i++)
		fprintf(out, "missing %s: %s\n  fix: %s\n", p->missing[i].what,
		        p->missing[i].cause, p->missing[i].fix);
	fprintf(out, "strongest containment: %s\n", p->strongest);
	return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}
