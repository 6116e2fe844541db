/* report_doc.c: writes report.md and report.html in step: every call
 * emits the same content in both.  The HTML is self-contained (figures as
 * base64 PNG, a few lines of CSS) so it can be mailed or archived alone.
 * Both go to temporary files, renamed into place by doc_close. */
#include "report_int.h"
#include "tmpname.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void html_text(FILE *f, const char *s)
{
	int bold = 0;

	for (; *s; s++) {
		if (s[0] == '*' && s[1] == '*') {
			fputs(bold ? "</b>" : "<b>", f);
			bold = !bold;
			s++;
		} else if (*s == '<') {
			fputs("&lt;", f);
		} else if (*s == '>') {
			fputs("&gt;", f);
		} else if (*s == '&') {
			fputs("&amp;", f);
		} else {
			fputc(*s, f);
		}
	}
	if (bold)
		fputs("</b>", f);
}

/* Markdown: escape what would start markup inside table cells and text
 * ("**" is ours: bold). */
static void md_text(FILE *f, const char *s, int cell)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '*' && s[i + 1] == '*') {
			fputs("**", f);
			i++;
		} else if ((cell && s[i] == '|') || s[i] == '_' || s[i] == '*' || s[i] == '[' ||
			   s[i] == ']' || s[i] == '`') {
			fprintf(f, "\\%c", s[i]);
		} else {
			fputc(s[i], f);
		}
	}
}

static void close_blocks(struct doc *d)
{
	if (d->in_list) {
		fputs("</ul>\n", d->html);
		fputc('\n', d->md);
		d->in_list = 0;
	}
}

int doc_open(struct doc *d, const char *dir, const char *title, struct cp_err *e)
{
	char md[4200], html[4200];

	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	snprintf(md, sizeof(md), "%s/report.md", dir);
	snprintf(html, sizeof(html), "%s/report.html", dir);
	if (tmp_open(&d->md_file, "dir", md, e))
		return e->code;
	if (tmp_open(&d->html_file, "dir", html, e)) {
		tmp_discard(&d->md_file);
		return e->code;
	}
	d->md = d->md_file.f;
	d->html = d->html_file.f;
	fprintf(d->md, "# ");
	md_text(d->md, title, 0);
	fprintf(d->md, "\n\n");
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", d->html);
	html_text(d->html, title);
	fputs("</title>\n<style>\n"
	      "body{font-family:sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;"
	      "line-height:1.45;color:#222}\n"
	      "table{border-collapse:collapse;margin:1em 0;font-size:90%}\n"
	      "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\n"
	      "th{background:#f0f0f0} td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	      "figure{margin:1.5em 0} img{max-width:100%;border:1px solid #eee}\n"
	      "figcaption{font-size:90%;color:#555}\n"
	      "</style></head><body>\n<h1>", d->html);
	html_text(d->html, title);
	fputs("</h1>\n", d->html);
	return 0;
}

void doc_abort(struct doc *d)
{
	tmp_discard(&d->md_file);
	tmp_discard(&d->html_file);
	d->md = d->html = NULL;
}

int doc_close(struct doc *d, struct cp_err *e)
{
	int rc;

	close_blocks(d);
	fputs("</body></html>\n", d->html);
	d->md = d->html = NULL;
	rc = tmp_commit(&d->md_file, e);
	if (rc)
		tmp_discard(&d->html_file);
	else
		rc = tmp_commit(&d->html_file, e);
	return rc;
}

void doc_h(struct doc *d, int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	close_blocks(d);
	fprintf(d->md, "%.*s ", level, "######");
	md_text(d->md, buf, 0);
	fputs("\n\n", d->md);
	fprintf(d->html, "<h%d>", level);
	html_text(d->html, buf);
	fprintf(d->html, "</h%d>\n", level);
}

void doc_p(struct doc *d, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	close_blocks(d);
	md_text(d->md, buf, 0);
	fputs("\n\n", d->md);
	fputs("<p>", d->html);
	html_text(d->html, buf);
	fputs("</p>\n", d->html);
}

void doc_li(struct doc *d, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!d->in_list)
		fputs("<ul>\n", d->html);
	d->in_list = 1;
	fputs("- ", d->md);
	md_text(d->md, buf, 0);
	fputc('\n', d->md);
	fputs("<li>", d->html);
	html_text(d->html, buf);
	fputs("</li>\n", d->html);
}

void doc_table(struct doc *d, int ncol, const char *const *head)
{
	close_blocks(d);
	fputs("<table><tr>", d->html);
	for (int j = 0; j < ncol; j++) {
		fputs(j ? " | " : "| ", d->md);
		md_text(d->md, head[j], 1);
		fputs("<th>", d->html);
		html_text(d->html, head[j]);
		fputs("</th>", d->html);
	}
	fputs(" |\n", d->md);
	for (int j = 0; j < ncol; j++)
		fputs(j ? "---|" : "|---|", d->md);
	fputs("\n", d->md);
	fputs("</tr>\n", d->html);
	d->in_table = 1;
}

void doc_row(struct doc *d, int ncol, char cells[][160])
{
	fputs("<tr>", d->html);
	for (int j = 0; j < ncol; j++) {
		/* numbers right-aligned: a cell that starts with a digit */
		int num = (cells[j][0] >= '0' && cells[j][0] <= '9') || cells[j][0] == '-';

		fputs(j ? " | " : "| ", d->md);
		md_text(d->md, cells[j], 1);
		fputs(num ? "<td class=\"n\">" : "<td>", d->html);
		html_text(d->html, cells[j]);
		fputs("</td>", d->html);
	}
	fputs(" |\n", d->md);
	fputs("</tr>\n", d->html);
}

void doc_table_end(struct doc *d)
{
	fputs("\n", d->md);
	fputs("</table>\n", d->html);
	d->in_table = 0;
}

static void base64_file(FILE *out, const char *path)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char in[3];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return;
	while ((n = fread(in, 1, 3, f)) > 0) {
		unsigned v = (unsigned)in[0] << 16 | (n > 1 ? (unsigned)in[1] << 8 : 0) | (n > 2 ? in[2] : 0);

		fputc(tab[v >> 18 & 63], out);
		fputc(tab[v >> 12 & 63], out);
		fputc(n > 1 ? tab[v >> 6 & 63] : '=', out);
		fputc(n > 2 ? tab[v & 63] : '=', out);
	}
	fclose(f);
}

void doc_figure(struct doc *d, const char *name, const char *caption)
{
	char path[4400];

	close_blocks(d);
	snprintf(path, sizeof(path), "%s/plots/%s.png", d->dir, name);
	fprintf(d->md, "![");
	md_text(d->md, caption, 1);
	fprintf(d->md, "](plots/%s.png)\n\n*", name);
	md_text(d->md, caption, 0);
	fprintf(d->md, "* ([SVG](plots/%s.svg))\n\n", name);
	fputs("<figure><img alt=\"", d->html);
	html_text(d->html, caption);
	fputs("\" src=\"data:image/png;base64,", d->html);
	base64_file(d->html, path);
	fputs("\"><figcaption>", d->html);
	html_text(d->html, caption);
	fputs("</figcaption></figure>\n", d->html);
}

void doc_open_mem(struct doc *d, const char *dir)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	d->md = open_memstream(&d->mbuf, &d->mlen);
	d->html = open_memstream(&d->hbuf, &d->hlen);
	if (!d->md || !d->html)
		cp_die(CP_ERUN, "out of memory");
}

void doc_append(struct doc *d, struct doc *src)
{
	close_blocks(src);
	close_blocks(d);
	fclose(src->md);
	fclose(src->html);
	fwrite(src->mbuf, 1, src->mlen, d->md);
	fwrite(src->hbuf, 1, src->hlen, d->html);
	free(src->mbuf);
	free(src->hbuf);
	memset(src, 0, sizeof(*src));
}

void doc_free_mem(struct doc *d)
{
	fclose(d->md);
	fclose(d->html);
	free(d->mbuf);
	free(d->hbuf);
	memset(d, 0, sizeof(*d));
}
