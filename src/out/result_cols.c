/* result_cols.c: the value of each column of a row (schema.h's list), as
 * every writer prints it: CSV, JSON, the raw file and the table. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta.h"
#include "result_int.h"

#define COL_NAME(n, k, f, r) #n,
#define COL_DESC(n, k, f, r) { #n, k, offsetof(struct cp_row, f), r },
const char *const result_columns[] = { CP_COLUMNS(COL_NAME) NULL };
const struct col result_cols[COL_COUNT] = { CP_COLUMNS(COL_DESC) };

/* The i-th CPU of "0,1" / "0;1" (agent order), or -1. */
static int nth_cpu(const char *cpus, int i)
{
	const char *p = cpus;

	for (int k = 0; *p; k++) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			return -1;
		if (k == i)
			return (int)v;
		p = end + strspn(end, ",; ");
	}
	return -1;
}

static int unit_is_time(const char *u)
{
	return u && (!strcmp(u, "ns") || !strncmp(u, "ns/", 3));
}

void row_ext_set(struct cp_row *r, enum cp_col col, const char *value)
{
	for (int i = 0; i < CP_ROW_EXT_MAX; i++)
		if (r->ext[i].col == col || !r->ext[i].value) {
			r->ext[i] = (struct cp_row_ext){ col, value };
			return;
		}
	cp_die(CP_ERUN, "internal: more than %d columns of the row's extension (%s)", CP_ROW_EXT_MAX,
	       schema_col_name(col));
}

const char *row_ext(const struct cp_row *r, enum cp_col col)
{
	for (int i = 0; i < CP_ROW_EXT_MAX; i++)
		if (r->ext[i].value && r->ext[i].col == col)
			return r->ext[i].value;
	return NULL;
}

void result_col_value(const struct col *c, const struct cp_row *r, struct cval *v)
{
	const char *base = (const char *)r + c->off;

	v->kind = V_NUM;
	switch (c->kind) {
	case C_STR:
		v->s = *(const char *const *)base;
		v->kind = v->s ? V_STR : V_NULL;
		return;
	case C_EXT:
		v->s = row_ext(r, (enum cp_col)(c - result_cols));
		v->kind = v->s ? V_STR : V_NULL;
		return;
	case C_U64: v->d = (double)*(const uint64_t *)base; return;
	case C_UNS: v->d = *(const unsigned *)base; return;
	case C_STAT: v->d = *(const double *)base; break;
	/* empty unless set: the comparison rows' columns */
	case C_POS: v->d = *(const double *)base; v->kind = v->d > 0 ? V_NUM : V_NULL; return;
	case C_CNT: v->d = (double)*(const uint64_t *)base; v->kind = v->d > 0 ? V_NUM : V_NULL; return;
	case C_NODE: v->d = r->mem_node; v->kind = r->mem_node < 0 ? V_NULL : V_NUM; return;
	case C_CPU_A:
	case C_CPU_B: {
		int cpu = nth_cpu(r->cpus, c->kind == C_CPU_B);

		v->d = cpu;
		v->kind = cpu < 0 ? V_NULL : V_NUM;
		return;
	}
	case C_CPUS: {
		/* ';' between CPUs: no field of ours ever holds a comma */
		size_t i;

		for (i = 0; r->cpus[i] && i + 1 < sizeof(v->buf); i++)
			v->buf[i] = r->cpus[i] == ',' ? ';' : r->cpus[i];
		v->buf[i] = 0;
		v->s = v->buf;
		v->kind = V_STR;
		return;
	}
	case C_CYCLES:
		v->d = r->ticks_per_ns > 0 && unit_is_time(r->unit) ? r->st.p50 * r->ticks_per_ns : NAN;
		break;
	case C_MODES:
		v->d = r->modes.n;
		v->kind = r->modes.n > 0 ? V_NUM : V_NULL;
		return;
	case C_MODE_P50:
	case C_MODE_W:
		/* "174.2;37010" and "0.38;0.62": one value per mode, ';' as in cpus */
		v->kind = r->modes.n > 0 ? V_STR : V_NULL;
		v->s = v->buf;
		v->buf[0] = 0;
		for (int i = 0; i < r->modes.n; i++) {
			char num[40];
			size_t l = strlen(v->buf);

			if (c->kind == C_MODE_P50)
				meta_fmt_double(r->modes.p50[i], num, sizeof(num));
			else
				snprintf(num, sizeof(num), "%.4f", r->modes.weight[i]);
			snprintf(v->buf + l, sizeof(v->buf) - l, "%s%s", i ? ";" : "", num);
		}
		return;
	}
	if (!isfinite(v->d))
		v->kind = V_NULL;
}


const char *result_cell(const struct cp_row *r, enum cp_col id, char *buf, size_t len)
{
	struct cval v;

	if ((unsigned)id >= COL_COUNT)
		return "";
	result_col_value(&result_cols[id], r, &v);
	if (v.kind == V_STR)
		snprintf(buf, len, "%s", v.s);
	else if (v.kind == V_NUM)
		meta_fmt_double(v.d, buf, len);
	else
		buf[0] = 0;
	return buf;
}
