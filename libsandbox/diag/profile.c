/*
 * Profiles: the sb_diag object, per-syscall counts and time stopped
 * (tracer thread), the CPU/memory time series sampled by the manager
 * thread, and its SVG picture.
 */
#include "config.h"
#include "diag/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ the object */

struct sb_diag *sb_diag_new(void)
{
	struct sb_diag *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->bt_when = S_BT_DEFAULT;
	d->prof_fd = -1;
	d->stride = 1;
	return d;
}

static void free_counts(struct sb_diag *d)
{
	for (int a = 0; a < S_ABI_COUNT; a++) {
		free(d->sys[a]);
		d->sys[a] = NULL;
		d->sys_n[a] = 0;
	}
	d->cur = NULL;
}

void sb_diag_free(struct sb_diag *d)
{
	if (!d)
		return;
	free_counts(d);
	free(d->frames);
	free(d->samples);
	free(d);
}

static void clear_results(struct sb_diag *d)
{
	memset(&d->bt, 0, sizeof(d->bt));
	for (int a = 0; a < S_ABI_COUNT; a++)
		if (d->sys[a])
			memset(d->sys[a], 0, (size_t)d->sys_n[a] * sizeof(*d->sys[a]));
	d->cur = NULL;
	d->t_stop = 0;
	d->nsamples = 0;
	d->stride = 1;
	d->skipped = 0;
	d->next_sample_ns = 0;
	d->header_done = false;
}

static int alloc_counts(struct sb_diag *d)
{
	for (int a = 0; a < S_ABI_COUNT; a++) {
		if (d->sys[a])
			continue;
		int n = sb_abi_nr_limit(a);
		if (n <= 0)
			continue;
		if (!(d->sys[a] = calloc((size_t)n, sizeof(*d->sys[a]))))
			return -ENOMEM;
		d->sys_n[a] = n;
	}
	return 0;
}

void sb_diag_begin_run(struct sb_diag *d, bool classic)
{
	clear_results(d);
	d->all_syscalls = classic;
	if ((d->prof_flags & SANDBOX_PROFILE_SYSCALLS) && alloc_counts(d) < 0)
		free_counts(d);
	d->prof_syscalls = (d->prof_flags & SANDBOX_PROFILE_SYSCALLS) &&
	                   d->sys[S_ABI_X86_64];
	if (d->prof_interval_us && !d->samples)
		d->samples = calloc(SB_DIAG_MAX_SAMPLES, sizeof(*d->samples));
}

void sb_diag_reset(struct sb_diag *d)
{
	if (d)
		clear_results(d);
}

/* ------------------------------------------------------------ syscalls */

void sb_diag_sys_stop(struct sb_diag *d)
{
	d->t_stop = sb_now_ns();
}

void sb_diag_sys_entry(struct sb_diag *d, const sandbox_syscall_t *sc)
{
	d->cur = NULL;
	if (sc->abi < 0 || sc->abi >= S_ABI_COUNT || !d->sys[sc->abi] ||
	    sc->nr < 0 || sc->nr >= d->sys_n[sc->abi])
		return;
	d->cur = &d->sys[sc->abi][sc->nr];
	d->cur->count++;
}

void sb_diag_sys_resume(struct sb_diag *d)
{
	if (!d->t_stop)
		return;
	if (d->cur)
		d->cur->ns += (uint64_t)(sb_now_ns() - d->t_stop);
	d->t_stop = 0;
}

/* ------------------------------------------------------------ sampling */

/* utime, stime (clock ticks), vsize (bytes), rss (pages) of /proc/PID/stat */
static int read_stat(pid_t pid, sandbox_sample_t *s)
{
	char path[64], buf[1024];
	unsigned long ut, st, vsize;
	long rss;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the name may hold anything */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	                 "%lu %lu %*d %*d %*d %*d %*d %*d %*u %lu %ld",
	                 &ut, &st, &vsize, &rss) != 4)
		return -EIO;
	long tck = sysconf(_SC_CLK_TCK), pg = sysconf(_SC_PAGESIZE);
	s->user_us = (int64_t)ut * 1000000 / (tck > 0 ? tck : 100);
	s->sys_us = (int64_t)st * 1000000 / (tck > 0 ? tck : 100);
	s->vm = (int64_t)vsize;
	s->rss = (int64_t)rss * (pg > 0 ? pg : 4096);
	return 0;
}

static int64_t cpu_clock_us(pid_t pid)
{
	clockid_t cid;
	struct timespec t;
	if (clock_getcpuclockid(pid, &cid) != 0 || clock_gettime(cid, &t) != 0)
		return -1;
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void emit_sample(struct sb_diag *d, const sandbox_sample_t *s)
{
	char line[256];
	int n = 0;

	if (d->prof_fd < 0)
		return;
	if (d->prof_flags & SANDBOX_PROFILE_CSV) {
		if (!d->header_done)
			n = snprintf(line, sizeof(line),
			             "t_us,cpu_us,user_us,sys_us,rss_bytes,vm_bytes\n");
		n += snprintf(line + n, sizeof(line) - (size_t)n,
		              "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
		              ",%" PRId64 ",%" PRId64 "\n", s->t_us, s->cpu_us,
		              s->user_us, s->sys_us, s->rss, s->vm);
	} else {
		n = snprintf(line, sizeof(line),
		             "{\"t_us\":%" PRId64 ",\"cpu_us\":%" PRId64
		             ",\"user_us\":%" PRId64 ",\"sys_us\":%" PRId64
		             ",\"rss_bytes\":%" PRId64 ",\"vm_bytes\":%" PRId64 "}\n",
		             s->t_us, s->cpu_us, s->user_us, s->sys_us, s->rss,
		             s->vm);
	}
	d->header_done = true;
	if (n > 0)
		(void)sb_write_all(d->prof_fd, line, (size_t)n);
}

/* Keep a bounded number of samples: when full, drop every other one. */
static void keep_sample(struct sb_diag *d, const sandbox_sample_t *s)
{
	if (!d->samples)
		return;
	if (++d->skipped < d->stride)
		return;
	d->skipped = 0;
	if (d->nsamples == SB_DIAG_MAX_SAMPLES) {
		for (size_t i = 0; i < SB_DIAG_MAX_SAMPLES / 2; i++)
			d->samples[i] = d->samples[2 * i];
		d->nsamples = SB_DIAG_MAX_SAMPLES / 2;
		d->stride *= 2;
	}
	d->samples[d->nsamples++] = *s;
}

static void take_sample(struct sb_diag *d, pid_t pid, int64_t now)
{
	sandbox_sample_t s = { .t_us = (now - d->start_ns) / 1000 };
	if (read_stat(pid, &s) < 0)
		return; /* gone: the tracer is about to see it */
	if (s.vm == 0)
		return; /* exiting: its memory is already released */
	s.cpu_us = cpu_clock_us(pid);
	keep_sample(d, &s);
	emit_sample(d, &s);
}

int64_t sb_diag_tick(struct sb_diag *d, pid_t pid, int64_t start_ns,
                     int64_t now, int64_t next)
{
	if (!d || !d->prof_interval_us)
		return next;
	int64_t step = (int64_t)d->prof_interval_us * 1000;
	if (!d->next_sample_ns) {
		d->start_ns = start_ns;
		d->next_sample_ns = now;
	}
	if (now >= d->next_sample_ns) {
		take_sample(d, pid, now);
		d->next_sample_ns += step;
		if (d->next_sample_ns <= now)
			d->next_sample_ns = now + step;
	}
	return d->next_sample_ns < next ? d->next_sample_ns : next;
}

/* ------------------------------------------------------------ SVG */

#define SVG_W 640
#define SVG_PLOT_X 70
#define SVG_PLOT_W 540
#define SVG_PLOT_H 130

/* A growing text buffer; on allocation failure it stops growing and
 * remembers the error. */
struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	if (b->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap + (size_t)n + 1) * 2;
		char *q = realloc(b->p, cap);
		if (!q) {
			b->err = -ENOMEM;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
}

static void svg_escape(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_printf(b, "&amp;"); break;
		case '<': sb_printf(b, "&lt;"); break;
		case '>': sb_printf(b, "&gt;"); break;
		case '"': sb_printf(b, "&quot;"); break;
		default:
			/* Control bytes are not allowed in XML 1.0. */
			sb_printf(b, "%c", (unsigned char)*s < 0x20 ? '?' : *s);
		}
	}
}

/* One panel: frame, title, y-axis maximum, and a polyline of ys. */
static void svg_panel(struct sbuf *b, int top, const char *title,
                      const char *unit, double ymax, const double *ys,
                      const sandbox_sample_t *s, size_t n, double tmax,
                      const char *color)
{
	sb_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	          "fill=\"none\" stroke=\"#888\"/>\n", SVG_PLOT_X, top,
	          SVG_PLOT_W, SVG_PLOT_H);
	sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s</text>\n",
	          SVG_PLOT_X, top - 6, title);
	sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	          "text-anchor=\"end\">%.1f %s</text>\n", SVG_PLOT_X - 4,
	          top + 10, ymax, unit);
	sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	          "text-anchor=\"end\">0</text>\n", SVG_PLOT_X - 4,
	          top + SVG_PLOT_H);
	if (n == 0)
		return;
	sb_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
	          "points=\"", color);
	for (size_t i = 0; i < n; i++) {
		double x = SVG_PLOT_X + (tmax > 0 ? s[i].t_us / tmax : 0) * SVG_PLOT_W;
		double y = top + SVG_PLOT_H -
		           (ymax > 0 ? ys[i] / ymax : 0) * SVG_PLOT_H;
		sb_printf(b, "%s%.1f,%.1f", i ? " " : "", x, y);
	}
	sb_printf(b, "\"/>\n");
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

static void svg_body(struct sbuf *b, const char *title,
                     const sandbox_sample_t *s, size_t n, double *tmp)
{
	double tmax = n ? (double)s[n - 1].t_us : 0, mmax = 0, cmax = 100;
	int64_t vm_peak = 0;

	sb_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	          "height=\"400\" viewBox=\"0 0 %d 400\" "
	          "font-family=\"sans-serif\">\n"
	          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	          SVG_W, SVG_W);
	sb_printf(b, "<title>libsandbox profile: ");
	svg_escape(b, title);
	sb_printf(b, "</title>\n<text x=\"10\" y=\"18\" font-size=\"14\">");
	svg_escape(b, title);
	sb_printf(b, " (%zu samples, %.3f s)</text>\n", n, tmax / 1e6);
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
	sb_printf(b, "<text x=\"%d\" y=\"375\" font-size=\"11\">0 s</text>\n"
	          "<text x=\"%d\" y=\"375\" font-size=\"11\" text-anchor=\"end\">"
	          "%.3f s</text>\n", SVG_PLOT_X, SVG_PLOT_X + SVG_PLOT_W,
	          tmax / 1e6);
	if (n == 0)
		sb_printf(b, "<text x=\"%d\" y=\"120\" font-size=\"13\">no samples "
		          "(sandbox_set_profile interval 0, or the run was too "
		          "short)</text>\n", SVG_PLOT_X + 10);
	sb_printf(b, "</svg>\n");
}

int sb_diag_svg(const struct sb_diag *d, const char *title, int fd)
{
	struct sbuf b = { .p = NULL };
	double *tmp = NULL;
	int rc;

	size_t n = d && d->samples ? d->nsamples : 0;
	const sandbox_sample_t *s = n ? d->samples : NULL;
	if (!(tmp = calloc(n ? n : 1, sizeof(*tmp))) ||
	    !(b.p = malloc(b.cap = 4096))) {
		rc = -ENOMEM;
		goto out;
	}
	svg_body(&b, title, s, n, tmp);
	rc = b.err ? b.err : sb_write_all(fd, b.p, b.len);
out:
	free(tmp);
	free(b.p);
	return rc;
}
