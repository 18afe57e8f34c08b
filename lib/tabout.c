#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exitcode.h"
#include "tabout.h"

void
tabout_init(struct tabout *t, const struct tabout_opts *o, struct outbuf *ob)
{
	memset(t, 0, sizeof *t);
	t->o = o;
	t->ob = ob;
}

void
tabout_free(struct tabout *t)
{
	tw_free(t->w);
	free(t->cols);
	t->w = NULL;
	t->cols = NULL;
}

static int
failed(struct tabout *t, int code, const char *what)
{
	t->code = code;
	snprintf(t->msg, sizeof t->msg, "%s", what);
	return -1;
}

bool
tabout_ucd_matches(const char *ucd, const char *pattern)
{
	if (!ucd)
		return false;
	const char *a = pattern;
	while (*a) {
		const char *ae = strchr(a, ';');
		size_t alen = ae ? (size_t)(ae - a) : strlen(a);
		bool prefix = alen && a[alen - 1] == '*';
		size_t cmp = prefix ? alen - 1 : alen;
		bool found = false;
		for (const char *u = ucd; *u && !found; ) {
			const char *ue = strchr(u, ';');
			size_t ulen = ue ? (size_t)(ue - u) : strlen(u);
			while (ulen && u[0] == ' ')
				u++, ulen--;
			if (prefix ? (ulen >= cmp && !strncasecmp(u, a, cmp))
				   : (ulen == cmp && !strncasecmp(u, a, cmp)))
				found = true;
			u = ue ? ue + 1 : u + ulen;
		}
		if (alen && !found)
			return false;
		a = ae ? ae + 1 : a + alen;
	}
	return true;
}

static void
add_col(struct tabout *t, size_t i)
{
	for (size_t k = 0; k < t->ncols; k++)
		if (t->cols[k] == i)
			return;	/* asked twice: once is enough */
	t->cols[t->ncols++] = i;
}

static int
choose_columns(struct tabout *t, const struct vot_table *tab)
{
	const struct tabout_opts *o = t->o;
	char msg[300];

	if (!o->columns && !o->nucds)
		return 0;
	t->cols = calloc(tab->nfields ? tab->nfields : 1, sizeof *t->cols);
	if (!t->cols)
		return failed(t, VT_EX_SOFTWARE, "out of memory");
	if (o->columns) {
		char *list = strdup(o->columns), *save = NULL;
		if (!list)
			return failed(t, VT_EX_SOFTWARE, "out of memory");
		for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
			size_t i, hit = SIZE_MAX;
			for (i = 0; i < tab->nfields && hit == SIZE_MAX; i++)
				if (!strcmp(tab->fields[i].name, name))
					hit = i;
			for (i = 0; i < tab->nfields && hit == SIZE_MAX; i++)
				if (!strcasecmp(tab->fields[i].name, name))
					hit = i;
			if (hit == SIZE_MAX) {
				snprintf(msg, sizeof msg, "no column '%.200s' in table %zu", name, tab->index);
				free(list);
				return failed(t, VT_EX_USAGE, msg);
			}
			add_col(t, hit);
		}
		free(list);
	}
	for (size_t u = 0; u < o->nucds; u++) {
		size_t before = t->ncols;
		for (size_t i = 0; i < tab->nfields; i++)
			if (tabout_ucd_matches(tab->fields[i].ucd, o->ucds[u]))
				add_col(t, i);
		if (t->ncols == before) {
			snprintf(msg, sizeof msg, "no column with UCD '%.200s' in table %zu",
				 o->ucds[u], tab->index);
			return failed(t, VT_EX_USAGE, msg);
		}
	}
	return 0;
}

static bool
is_chosen(const struct tabout_opts *o, const struct vot_table *t, const struct vot_doc *d)
{
	if (!o->table)
		return t->index == 0;
	if ((t->name && !strcmp(t->name, o->table)) || (t->id && !strcmp(t->id, o->table)))
		return true;
	char *end;
	unsigned long n = strtoul(o->table, &end, 10);
	if (*end || end == o->table)
		return false;
	/* a number names a table by index unless some table has that name */
	for (size_t i = 0; d && i < d->ntables; i++)
		if (d->tables[i]->name && !strcmp(d->tables[i]->name, o->table))
			return false;
	return t->index == n;
}

static int
start_output(struct tabout *t, const struct vot_doc *d, const struct vot_table *tab)
{
	if (choose_columns(t, tab) < 0)
		return -1;
	t->w = tw_new(t->o->format, t->ob, &t->o->tw);
	if (!t->w || tw_begin(t->w, d, tab, t->cols, t->cols ? t->ncols : tab->nfields) < 0)
		return failed(t, VT_EX_SOFTWARE, "cannot start the output table");
	if (tw_error(t->w))	/* metadata XML cannot carry */
		return failed(t, VT_EX_DATAERR, tw_error(t->w));
	return 0;
}

static int
on_begin(void *ctx, const struct vot_table *tab)
{
	struct tabout *t = ctx;
	const struct vot_doc *d = t->parser ? vot_parser_doc(t->parser) : NULL;

	if (t->chosen || !is_chosen(t->o, tab, d))
		return VOT_SKIP;
	t->chosen = tab;
	if (t->o->no_rows)
		return VOT_SKIP;
	return start_output(t, d, tab);
}

static int
on_row(void *ctx, const struct vot_table *tab, const struct vot_cell *cells)
{
	struct tabout *t = ctx;
	(void)tab;
	tw_row(t->w, cells);
	if (tw_error(t->w))	/* a value XML cannot carry */
		return failed(t, VT_EX_DATAERR, tw_error(t->w));
	/* stop early when the reader of a pipe went away */
	if (t->ob->err) {
		char msg[200];
		snprintf(msg, sizeof msg, "write error: %s", strerror(t->ob->err));
		return failed(t, VT_EX_IOERR, msg);
	}
	return 0;
}

static int
on_text_end(void *ctx, const struct vot_table *tab)
{
	struct tabout *t = ctx;
	(void)tab;
	if (t->w)
		tw_end(t->w, NULL);
	return 0;
}

struct vot_handler
tabout_handler(struct tabout *t)
{
	return (struct vot_handler){ .ctx = t, .table_begin = on_begin, .row = on_row };
}

struct vot_handler
tabout_text_handler(struct tabout *t)
{
	return (struct vot_handler){ .ctx = t, .table_begin = on_begin, .row = on_row,
				     .table_end = on_text_end };
}

void
tabout_attach(struct tabout *t, const struct vot_parser *p)
{
	t->parser = p;
}

int
tabout_finish(struct tabout *t, const struct vot_doc *d, bool *overflow, char *msg, size_t msglen)
{
	const char *smsg = NULL;
	enum vot_status st = vot_doc_status(d, &smsg);

	*overflow = st == VOT_STATUS_OVERFLOW;
	if (st == VOT_STATUS_ERROR) {
		snprintf(msg, msglen, "%s", smsg && *smsg ? smsg : "(no message)");
		return VT_EX_SERVICE;
	}
	if (!t->chosen) {
		if (t->o->table)
			snprintf(msg, msglen, "no table '%s' (the document has %zu)", t->o->table, d->ntables);
		else
			snprintf(msg, msglen, "the document has no TABLE");
		return VT_EX_DATAERR;
	}
	if (t->w)
		tw_end(t->w, d);
	return 0;
}

int
tabout_option(struct tabout_opts *o, int c, int base, const char *arg, char *err, size_t errlen)
{
	if (c == 'f') {
		if (tw_format_parse(arg, &o->format) < 0) {
			snprintf(err, errlen, "unknown output format '%s' (tsv, csv, json, votable)", arg);
			return -1;
		}
		return 1;
	}
	if (c == 'c') {
		o->columns = arg;
		return 1;
	}
	switch (c - base) {
	case 0: {
		const char **nu = realloc(o->ucds, (o->nucds + 1) * sizeof *nu);
		if (!nu) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		o->ucds = nu;
		o->ucds[o->nucds++] = arg;
		return 1;
	}
	case 1: o->tw.meta = true; return 1;
	case 2: o->tw.null_str = arg; return 1;
	case 3: o->tw.no_header = true; return 1;
	default: return 0;
	}
}

void
tabout_opts_free(struct tabout_opts *o)
{
	free(o->ucds);
	o->ucds = NULL;
	o->nucds = 0;
}
