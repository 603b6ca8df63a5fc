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

#define NSEC 1000000000LL

/* ------------------------------------------------------------ helpers */

int64_t sb_diag_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * NSEC + t.tv_nsec;
}

int sb_diag_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ------------------------------------------------------------ the object */

struct sb_diag *sb_diag_get(sandbox_t *sb)
{
	if (sb->diag)
		return sb->diag;
	struct sb_diag *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->bt_when = S_BT_DEFAULT;
	d->prof_fd = -1;
	d->stride = 1;
	sb->diag = d;
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

void sb_diag_begin_run(sandbox_t *sb)
{
	struct sb_diag *d = sb_diag_get(sb);
	if (!d)
		return;
	clear_results(d);
	d->all_syscalls = sb->mode == S_MODE_CLASSIC;
	if ((d->prof_flags & SANDBOX_PROFILE_SYSCALLS) && alloc_counts(d) < 0)
		free_counts(d);
	d->prof_syscalls = (d->prof_flags & SANDBOX_PROFILE_SYSCALLS) &&
	                   d->sys[S_ABI_X86_64];
	if (d->prof_interval_us && !d->samples)
		d->samples = calloc(SB_DIAG_MAX_SAMPLES, sizeof(*d->samples));
}

void sb_diag_reset(sandbox_t *sb)
{
	if (sb->diag)
		clear_results(sb->diag);
}

/* Configuration may change only between runs. */
static int begin_diag_set(sandbox_t *sb, struct sb_diag **d)
{
	if (!sb)
		return -EINVAL;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	if (!(*d = sb_diag_get(sb)))
		return -ENOMEM;
	return 0;
}

SB_EXPORT int sandbox_set_backtrace(sandbox_t *sb, unsigned when)
{
	struct sb_diag *d;
	int rc = begin_diag_set(sb, &d);
	if (rc < 0)
		return rc;
	if (when & ~S_BT_DEFAULT)
		return -EINVAL;
	d->bt_when = when;
	return 0;
}

SB_EXPORT int sandbox_set_profile(sandbox_t *sb, unsigned interval_us, int fd,
                                  unsigned flags)
{
	const unsigned fmt = SANDBOX_PROFILE_CSV | SANDBOX_PROFILE_JSONL;
	struct sb_diag *d;
	int rc = begin_diag_set(sb, &d);
	if (rc < 0)
		return rc;
	if (flags & ~(fmt | SANDBOX_PROFILE_SYSCALLS))
		return -EINVAL;
	if (interval_us && (interval_us < 1000 || interval_us > 1000000))
		return -EINVAL;
	if (fd >= 0 && ((flags & fmt) == 0 || (flags & fmt) == fmt ||
	                fcntl(fd, F_GETFD) < 0))
		return -EINVAL;
	if (fd < -1)
		return -EINVAL;
	d->prof_interval_us = interval_us;
	d->prof_fd = interval_us ? fd : -1;
	d->prof_flags = flags;
	return 0;
}

/* ------------------------------------------------------------ syscalls */

void sb_diag_sys_stop(sandbox_t *sb)
{
	sb->diag->t_stop = sb_diag_now_ns();
}

void sb_diag_sys_entry(sandbox_t *sb, const sandbox_syscall_t *sc)
{
	struct sb_diag *d = sb->diag;
	d->cur = NULL;
	if (sc->abi < 0 || sc->abi >= S_ABI_COUNT || !d->sys[sc->abi] ||
	    sc->nr < 0 || sc->nr >= d->sys_n[sc->abi])
		return;
	d->cur = &d->sys[sc->abi][sc->nr];
	d->cur->count++;
}

void sb_diag_sys_resume(sandbox_t *sb)
{
	struct sb_diag *d = sb->diag;
	if (!d->t_stop)
		return;
	if (d->cur)
		d->cur->ns += (uint64_t)(sb_diag_now_ns() - d->t_stop);
	d->t_stop = 0;
}

SB_EXPORT ssize_t sandbox_get_syscall_counts(const sandbox_t *sb,
                                             sandbox_syscall_count_t *out,
                                             size_t max, bool *all_syscalls)
{
	size_t n = 0;

	if (!sb || (max && !out))
		return -EINVAL;
	const struct sb_diag *d = sb->diag;
	if (all_syscalls)
		*all_syscalls = d ? d->all_syscalls : sb->mode == S_MODE_CLASSIC;
	if (!d)
		return 0;
	for (int a = 0; a < S_ABI_COUNT; a++) {
		for (int nr = 0; d->sys[a] && nr < d->sys_n[a]; nr++) {
			const struct sb_sysprof *p = &d->sys[a][nr];
			if (!p->count)
				continue;
			if (n < max) {
				sandbox_syscall_count_t *o = &out[n];
				memset(o, 0, sizeof(*o));
				o->abi = a;
				o->nr = nr;
				sandbox_syscall_name(a, nr, o->name, sizeof(o->name));
				o->count = p->count;
				o->stopped_ns = p->ns;
			}
			n++;
		}
	}
	return (ssize_t)n;
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
		(void)sb_diag_write_all(d->prof_fd, line, (size_t)n);
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

static void take_sample(sandbox_t *sb, struct sb_diag *d, int64_t now)
{
	sandbox_sample_t s = { .t_us = (now - d->start_ns) / 1000 };
	if (read_stat(sb->mgr.pid, &s) < 0)
		return; /* gone: the tracer is about to see it */
	if (s.vm == 0)
		return; /* exiting: its memory is already released */
	s.cpu_us = cpu_clock_us(sb->mgr.pid);
	keep_sample(d, &s);
	emit_sample(d, &s);
}

int64_t sb_diag_tick(sandbox_t *sb, int64_t now, int64_t next)
{
	struct sb_diag *d = sb->diag;
	if (!d || !d->prof_interval_us)
		return next;
	int64_t step = (int64_t)d->prof_interval_us * 1000;
	if (!d->next_sample_ns) {
		d->start_ns = (int64_t)sb->mgr.start.tv_sec * NSEC +
		              sb->mgr.start.tv_nsec;
		d->next_sample_ns = now;
	}
	if (now >= d->next_sample_ns) {
		take_sample(sb, d, now);
		d->next_sample_ns += step;
		if (d->next_sample_ns <= now)
			d->next_sample_ns = now + step;
	}
	return d->next_sample_ns < next ? d->next_sample_ns : next;
}

SB_EXPORT ssize_t sandbox_get_samples(const sandbox_t *sb,
                                      sandbox_sample_t *out, size_t max)
{
	if (!sb || (max && !out))
		return -EINVAL;
	if (!sb->diag || sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return 0;
	size_t n = sb->diag->nsamples;
	if (n && max)
		memcpy(out, sb->diag->samples, (n < max ? n : max) * sizeof(*out));
	return (ssize_t)n;
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

static void svg_body(struct sbuf *b, const sandbox_t *sb,
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
	svg_escape(b, sb->argv[0]);
	sb_printf(b, "</title>\n<text x=\"10\" y=\"18\" font-size=\"14\">");
	svg_escape(b, sb->argv[0]);
	sb_printf(b, " (%zu samples, %.3f s)</text>\n", n, tmax / 1e6);
	for (size_t i = 0; i < n; i++) {
		tmp[i] = (double)s[i].rss / 1048576.0;
		if (tmp[i] > mmax)
			mmax = tmp[i];
		if (s[i].vm > vm_peak)
			vm_peak = s[i].vm;
	}
	char title[96];
	snprintf(title, sizeof(title), "Resident memory (peak VM %.1f MiB)",
	         (double)vm_peak / 1048576.0);
	svg_panel(b, 50, title, "MiB", mmax, tmp, s, n, tmax, "#1f77b4");
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

SB_EXPORT int sandbox_profile_svg(const sandbox_t *sb, int fd)
{
	struct sbuf b = { .p = NULL };
	double *tmp = NULL;
	int rc;

	if (!sb || fd < 0)
		return -EINVAL;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	size_t n = sb->diag && sb->diag->samples ? sb->diag->nsamples : 0;
	const sandbox_sample_t *s = n ? sb->diag->samples : NULL;
	if (!(tmp = calloc(n ? n : 1, sizeof(*tmp))) ||
	    !(b.p = malloc(b.cap = 4096))) {
		rc = -ENOMEM;
		goto out;
	}
	svg_body(&b, sb, s, n, tmp);
	rc = b.err ? b.err : sb_diag_write_all(fd, b.p, b.len);
out:
	free(tmp);
	free(b.p);
	return rc;
}
