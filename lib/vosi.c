/* Streaming parsers for VOSI capabilities, tables, availability and DALI
 * examples: see vosi.h. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "vosi.h"
#include "vot.h"
#include "xmlerr.h"

#define MAX_DEPTH 256
#define MAX_TEXT (16u << 20)	/* one element's text */
#define NCOLF 8			/* fields of a VOSI_COLUMNS row */

/* Local names of the elements that matter; L_OTHER for the rest. */
enum el {
	L_NONE, L_OTHER,
	L_ACCESSURL, L_ALIAS, L_AVAILABILITY, L_AVAILABLE, L_BACKAT,
	L_CAPABILITIES, L_CAPABILITY, L_COLUMN, L_DATAMODEL, L_DATATYPE,
	L_DEFAULT, L_DESCRIPTION, L_DOWNAT, L_EXECUTIONDURATION, L_FEATURE,
	L_FLAG, L_FORM, L_HARD, L_INTERFACE, L_LANGUAGE, L_LANGUAGEFEATURES,
	L_MIME, L_NAME, L_NOTE, L_OUTPUTFORMAT, L_OUTPUTLIMIT,
	L_RETENTIONPERIOD, L_SCHEMA, L_SECURITYMETHOD, L_TABLE, L_TABLESET,
	L_TITLE, L_UCD, L_UNIT, L_UPLOADLIMIT, L_UPLOADMETHOD, L_UPSINCE,
	L_UTYPE, L_VERSION,
};

static const struct {
	const char *name;
	enum el el;
} elnames[] = {
	{ "accessURL", L_ACCESSURL }, { "alias", L_ALIAS },
	{ "availability", L_AVAILABILITY }, { "available", L_AVAILABLE },
	{ "backAt", L_BACKAT }, { "capabilities", L_CAPABILITIES },
	{ "capability", L_CAPABILITY }, { "column", L_COLUMN },
	{ "dataModel", L_DATAMODEL }, { "dataType", L_DATATYPE },
	{ "default", L_DEFAULT }, { "description", L_DESCRIPTION },
	{ "downAt", L_DOWNAT }, { "executionDuration", L_EXECUTIONDURATION },
	{ "feature", L_FEATURE }, { "flag", L_FLAG }, { "form", L_FORM },
	{ "hard", L_HARD }, { "interface", L_INTERFACE },
	{ "language", L_LANGUAGE }, { "languageFeatures", L_LANGUAGEFEATURES },
	{ "mime", L_MIME }, { "name", L_NAME }, { "note", L_NOTE },
	{ "outputFormat", L_OUTPUTFORMAT }, { "outputLimit", L_OUTPUTLIMIT },
	{ "retentionPeriod", L_RETENTIONPERIOD }, { "schema", L_SCHEMA },
	{ "securityMethod", L_SECURITYMETHOD }, { "table", L_TABLE },
	{ "tableset", L_TABLESET }, { "title", L_TITLE }, { "ucd", L_UCD },
	{ "unit", L_UNIT }, { "uploadLimit", L_UPLOADLIMIT },
	{ "uploadMethod", L_UPLOADMETHOD }, { "upSince", L_UPSINCE },
	{ "utype", L_UTYPE }, { "version", L_VERSION },
};

/* What a capability is, from its standardID. */
enum capkind {
	C_NONE, C_OTHER, C_TAP, C_SYNC, C_ASYNC, C_TABLES, C_CAPABILITIES,
	C_AVAILABILITY, C_EXAMPLES,
};

enum match { M_NONE, M_SUFFIX, M_EXACT };

struct buf {
	char *s;
	size_t len, cap;
};

struct strlist {
	char **v;
	size_t n, cap;
};

struct caps_state {
	enum capkind kind;
	char *stdid;
	/* the interface being read */
	bool iface_skip;
	struct strlist urls, secids;
	bool anon_sec;		/* a <securityMethod/> without standardID */
	size_t nsec;
	bool sync_anon, async_anon;
	/* language, features, output formats, limits */
	char *lang, *version_id, *feat_type, *form, *mime, *unit, *dm_id;
	bool lang_rows;
	struct strlist aliases;
	struct strlist seen;	/* interface rows given, to give each once */
	struct tap_caps caps;
};

struct tables_state {
	char *schema;
	char *tname, *ttype, *tdesc, *ttitle;
	char *col[NCOLF];	/* the column being read */
	struct buf flags;
	char *dt_arraysize, *dt_size;
	bool dt_tap;
	/* VOSI_COLUMNS */
	char *want;
	bool buffering, found;
	struct strlist cur;	/* columns of this table, each row packed */
	struct strlist cand;	/* columns of the first table matching by suffix */
	size_t ncand;
	struct buf candnames;
};

struct examples_state {
	int depth;		/* of the example element, 0 outside */
	int prop;		/* 1 name, 2 query being collected */
	char *id, *name, *query;
	struct strlist conts;
};

struct vosi_parser {
	enum vosi_kind kind;
	vosi_row_fn row;
	void *ctx;
	XML_Parser xp;
	enum vosi_err err;
	char errmsg[256];
	bool root_seen;
	int depth;
	unsigned char stack[MAX_DEPTH];
	/* text of the element being collected */
	struct buf text;
	int collect_depth;	/* 0: not collecting */
	struct caps_state c;
	struct tables_state t;
	struct examples_state x;
	int available;
};

/* ----------------------------------------------------------------- errors */

static void
fail(struct vosi_parser *p, enum vosi_err e, const char *fmt, ...)
{
	va_list ap;
	char msg[200];

	if (p->err)
		return;
	p->err = e;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (e == VOSI_EDATA && p->xp)
		snprintf(p->errmsg, sizeof p->errmsg, "line %lu: %s",
			 (unsigned long)XML_GetCurrentLineNumber(p->xp), msg);
	else
		snprintf(p->errmsg, sizeof p->errmsg, "%s", msg);
	if (p->xp)
		XML_StopParser(p->xp, XML_FALSE);
}

static void
nomem(struct vosi_parser *p)
{
	fail(p, VOSI_ENOMEM, "out of memory");
}

/* ---------------------------------------------------------------- helpers */

static bool
buf_add(struct vosi_parser *p, struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		if (b->len + n > MAX_TEXT) {
			fail(p, VOSI_EDATA, "text of an element longer than %u bytes", MAX_TEXT);
			return false;
		}
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			nomem(p);
			return false;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return true;
}

static void
buf_free(struct buf *b)
{
	free(b->s);
	*b = (struct buf){ 0 };
}

/* Append s, which the list then owns (freed on failure). */
static bool
list_push(struct vosi_parser *p, struct strlist *l, char *s)
{
	if (!s) {
		nomem(p);
		return false;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		char **nv = realloc(l->v, cap * sizeof *nv);
		if (!nv) {
			free(s);
			nomem(p);
			return false;
		}
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	return true;
}

static bool
list_add(struct vosi_parser *p, struct strlist *l, const char *s)
{
	return list_push(p, l, strdup(s));
}

static void
list_clear(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static void
list_free(struct strlist *l)
{
	list_clear(l);
	free(l->v);
	*l = (struct strlist){ 0 };
}

static bool
list_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

/* *dst = copy of s (NULL s: NULL). */
static bool
set(struct vosi_parser *p, char **dst, const char *s)
{
	char *d = NULL;
	if (s && !(d = strdup(s))) {
		nomem(p);
		return false;
	}
	free(*dst);
	*dst = d;
	return true;
}

static void
clear(char **s)
{
	free(*s);
	*s = NULL;
}

static const char *
local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static enum el
el_of(const char *name)
{
	const char *l = local(name);
	for (size_t i = 0; i < sizeof elnames / sizeof elnames[0]; i++)
		if (strcmp(l, elnames[i].name) == 0)
			return elnames[i].el;
	return L_OTHER;
}

/* An unprefixed attribute. */
static const char *
attr(const XML_Char **atts, const char *name)
{
	for (; *atts; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

/* The local part of the xsi:type value, whatever the prefixes. */
static const char *
xsitype(const XML_Char **atts)
{
	for (; *atts; atts += 2) {
		const char *c = strchr(atts[0], ':');
		if (c && strcmp(c + 1, "type") == 0 && strncmp(atts[0], "xmlns", 5) != 0)
			return local(atts[1]);
	}
	return NULL;
}

static bool
prefix_ci(const char *s, const char *pre)
{
	return strncasecmp(s, pre, strlen(pre)) == 0;
}

/* Trim s in place; with collapse, runs of white space become one space. */
static char *
tidy(char *s, bool collapse)
{
	char *r = s, *w = s;
	bool space = false;

	while (isspace((unsigned char)*r))
		r++;
	for (; *r; r++) {
		if (isspace((unsigned char)*r) && collapse) {
			space = true;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = *r;
	}
	*w = '\0';
	while (w > s && isspace((unsigned char)w[-1]))
		*--w = '\0';
	return s;
}

static const char *
or_empty(const char *s)
{
	return s ? s : "";
}

static void
emit(struct vosi_parser *p, const char *const *f, size_t n)
{
	if (p->err || !p->row)
		return;
	if (p->row(p->ctx, f, n))
		fail(p, VOSI_ECALLBACK, "stopped by the row callback");
}

static void
emit3(struct vosi_parser *p, const char *a, const char *b, const char *c)
{
	const char *f[3] = { or_empty(a), or_empty(b), or_empty(c) };
	emit(p, f, 3);
}

static long
number(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 0)
		return -1;
	return v;
}

/* Does a white-space separated list of RDFa terms (CURIEs, IRIs) hold one
 * whose local part is term? */
static bool
has_term(const char *list, const char *term)
{
	size_t tl = strlen(term);
	const char *s = list;

	while (s && *s) {
		while (isspace((unsigned char)*s))
			s++;
		const char *e = s;
		while (*e && !isspace((unsigned char)*e))
			e++;
		const char *l = s;
		for (const char *q = s; q < e; q++)
			if (*q == ':' || *q == '#' || *q == '/')
				l = q + 1;
		if ((size_t)(e - l) == tl && strncmp(l, term, tl) == 0)
			return true;
		s = e;
	}
	return false;
}

/* --------------------------------------------------------- capabilities */

static enum capkind
capkind_of(const char *id)
{
	static const struct {
		const char *prefix;
		enum capkind k;
	} ids[] = {
		{ "ivo://ivoa.net/std/tap#sync", C_SYNC },
		{ "ivo://ivoa.net/std/tap#async", C_ASYNC },
		{ "ivo://ivoa.net/std/vosi#tables", C_TABLES },
		{ "ivo://ivoa.net/std/vosi#capabilities", C_CAPABILITIES },
		{ "ivo://ivoa.net/std/vosi#availability", C_AVAILABILITY },
		{ "ivo://ivoa.net/std/dali#examples", C_EXAMPLES },
	};
	if (!id || !*id)
		return C_NONE;
	if (strcasecmp(id, "ivo://ivoa.net/std/tap") == 0)
		return C_TAP;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (prefix_ci(id, ids[i].prefix))
			return ids[i].k;
	return C_OTHER;
}

/* Emit an interface row once; remember the URL in *slot, preferring one
 * from an interface open to anonymous users. */
static void
iface_row(struct vosi_parser *p, const char *what, const char *url, bool anon,
	  char **slot, bool *slot_anon)
{
	struct caps_state *c = &p->c;
	size_t n = strlen(what) + strlen(url) + 2;
	char *key = malloc(n);

	if (!key) {
		nomem(p);
		return;
	}
	snprintf(key, n, "%s\t%s", what, url);
	if (!list_has(&c->seen, key)) {
		if (list_add(p, &c->seen, key))
			emit3(p, "interface", what, url);
	}
	free(key);
	if (slot && (!*slot || (anon && slot_anon && !*slot_anon))) {
		set(p, slot, url);
		if (slot_anon)
			*slot_anon = anon;
	}
}

static void
security_rows(struct vosi_parser *p, const char *url)
{
	struct caps_state *c = &p->c;

	for (size_t i = 0; i < c->secids.n && !p->err; i++) {
		size_t n = strlen(c->secids.v[i]) + strlen(url) + 3;
		char *key = malloc(n);
		if (!key) {
			nomem(p);
			return;
		}
		snprintf(key, n, "\t%s\t%s", c->secids.v[i], url);
		if (!list_has(&c->seen, key) && list_add(p, &c->seen, key))
			emit3(p, "securityMethod", c->secids.v[i], url);
		free(key);
	}
}

static void
interface_end(struct vosi_parser *p)
{
	struct caps_state *c = &p->c;
	struct tap_caps *k = &c->caps;
	bool anon = c->nsec == 0 || c->anon_sec;

	for (size_t i = 0; i < c->urls.n && !p->err; i++) {
		const char *url = c->urls.v[i];
		switch (c->kind) {
		case C_TAP: {
			size_t n = strlen(url);
			while (n > 0 && url[n - 1] == '/')
				n--;
			char *u = malloc(n + 7);
			if (!u) {
				nomem(p);
				return;
			}
			snprintf(u, n + 7, "%.*s/sync", (int)n, url);
			iface_row(p, "sync", u, anon, &k->sync_url, &c->sync_anon);
			snprintf(u, n + 7, "%.*s/async", (int)n, url);
			iface_row(p, "async", u, anon, &k->async_url, &c->async_anon);
			free(u);
			break;
		}
		case C_SYNC:
			iface_row(p, "sync", url, anon, &k->sync_url, &c->sync_anon);
			break;
		case C_ASYNC:
			iface_row(p, "async", url, anon, &k->async_url, &c->async_anon);
			break;
		case C_TABLES:
			iface_row(p, "tables", url, anon, &k->tables_url, NULL);
			break;
		case C_CAPABILITIES:
			iface_row(p, "capabilities", url, anon, &k->capabilities_url, NULL);
			break;
		case C_AVAILABILITY:
			iface_row(p, "availability", url, anon, &k->availability_url, NULL);
			break;
		case C_EXAMPLES:
			iface_row(p, "examples", url, anon, &k->examples_url, NULL);
			break;
		case C_OTHER:
			iface_row(p, c->stdid, url, anon, NULL, NULL);
			break;
		case C_NONE:
			break;
		}
		if (c->kind != C_NONE)
			security_rows(p, url);
	}
	list_clear(&c->urls);
	list_clear(&c->secids);
}

static void
upload_method(struct vosi_parser *p, const char *id)
{
	static const char std[] = "ivo://ivoa.net/std/TAPRegExt#upload-";
	struct tap_caps *k = &p->c.caps;
	const char *name = id;

	if (!id || !*id)
		return;
	if (prefix_ci(id, std)) {
		name = id + sizeof std - 1;
		if (strcasecmp(name, "inline") == 0)
			k->upload_inline = true;
		else if (strcasecmp(name, "http") == 0)
			k->upload_http = true;
		else if (strcasecmp(name, "https") == 0)
			k->upload_https = true;
		else if (strcasecmp(name, "ftp") == 0)
			k->upload_ftp = true;
	}
	emit3(p, "upload", name, id);
}

static void
limit(struct vosi_parser *p, enum el which, enum el bound, const char *text)
{
	struct caps_state *c = &p->c;
	struct tap_caps *k = &c->caps;
	const char *b = bound == L_DEFAULT ? "default" : "hard";
	const char *unit = c->unit && *c->unit ? c->unit : NULL;
	const char *name;
	char key[40];
	long v = number(text);

	switch (which) {
	case L_RETENTIONPERIOD:
		name = "retention";
		unit = "s";
		*(bound == L_DEFAULT ? &k->retention_default : &k->retention_hard) = v;
		break;
	case L_EXECUTIONDURATION:
		name = "executionDuration";
		unit = "s";
		*(bound == L_DEFAULT ? &k->exec_default : &k->exec_hard) = v;
		break;
	case L_OUTPUTLIMIT:
		name = "outputLimit";
		break;
	case L_UPLOADLIMIT:
		name = "uploadLimit";
		if (bound == L_HARD && unit && strcmp(unit, "byte") == 0)
			k->upload_limit = v;
		break;
	default:
		return;
	}
	snprintf(key, sizeof key, "%s.%s", name, b);
	emit3(p, key, text, unit);
	if (which == L_OUTPUTLIMIT && (!unit || strcmp(unit, "row") == 0)) {
		snprintf(key, sizeof key, "maxrec.%s", b);
		emit3(p, key, text, "");
		*(bound == L_DEFAULT ? &k->maxrec_default : &k->maxrec_hard) = v;
	}
}

static bool
caps_wants_text(enum el e, enum el up)
{
	switch (e) {
	case L_ACCESSURL:
		return up == L_INTERFACE;
	case L_NAME:
	case L_VERSION:
		return up == L_LANGUAGE;
	case L_FORM:
		return up == L_FEATURE;
	case L_MIME:
	case L_ALIAS:
		return up == L_OUTPUTFORMAT;
	case L_DEFAULT:
	case L_HARD:
		return up == L_RETENTIONPERIOD || up == L_EXECUTIONDURATION ||
		       up == L_OUTPUTLIMIT || up == L_UPLOADLIMIT;
	case L_DATAMODEL:
		return up == L_CAPABILITY;
	default:
		return false;
	}
}

static void
caps_start(struct vosi_parser *p, enum el e, enum el up, const XML_Char **atts)
{
	struct caps_state *c = &p->c;

	switch (e) {
	case L_CAPABILITY:
		set(p, &c->stdid, attr(atts, "standardID"));
		c->kind = capkind_of(c->stdid);
		if (c->kind == C_NONE && xsitype(atts) && strcmp(xsitype(atts), "TableAccess") == 0)
			c->kind = C_TAP;	/* TAPRegExt says what it is */
		break;
	case L_INTERFACE: {
		const char *t = xsitype(atts);
		/* the TAP endpoints are the ParamHTTP ones, not a web form */
		c->iface_skip = c->kind == C_TAP && t && strcmp(t, "WebBrowser") == 0;
		c->nsec = 0;
		c->anon_sec = false;
		list_clear(&c->urls);
		list_clear(&c->secids);
		break;
	}
	case L_SECURITYMETHOD:
		if (up == L_INTERFACE) {
			const char *id = attr(atts, "standardID");
			c->nsec++;
			if (!id || !*id)
				c->anon_sec = true;
			else
				list_add(p, &c->secids, id);
		}
		break;
	case L_LANGUAGE:
		clear(&c->lang);
		c->lang_rows = false;
		break;
	case L_VERSION:
		if (up == L_LANGUAGE)
			set(p, &c->version_id, attr(atts, "ivo-id"));
		break;
	case L_LANGUAGEFEATURES:
		set(p, &c->feat_type, attr(atts, "type"));
		break;
	case L_FEATURE:
		clear(&c->form);
		break;
	case L_OUTPUTFORMAT:
		clear(&c->mime);
		list_clear(&c->aliases);
		break;
	case L_UPLOADMETHOD:
		if (up == L_CAPABILITY)
			upload_method(p, attr(atts, "ivo-id"));
		break;
	case L_DEFAULT:
	case L_HARD:
		set(p, &c->unit, attr(atts, "unit"));
		break;
	case L_DATAMODEL:
		set(p, &c->dm_id, attr(atts, "ivo-id"));
		break;
	default:
		break;
	}
}

static void
caps_end(struct vosi_parser *p, enum el e, enum el up, char *text)
{
	struct caps_state *c = &p->c;

	switch (e) {
	case L_CAPABILITY:
		clear(&c->stdid);
		c->kind = C_NONE;
		break;
	case L_INTERFACE:
		if (!c->iface_skip)
			interface_end(p);
		break;
	case L_ACCESSURL:
		if (text && *tidy(text, false))
			list_add(p, &c->urls, text);
		break;
	case L_NAME:
		if (text)
			set(p, &c->lang, tidy(text, true));
		break;
	case L_VERSION: {
		if (!text)
			break;
		tidy(text, true);
		size_t n = strlen(or_empty(c->lang)) + strlen(text) + 2;
		char *v = malloc(n);
		if (!v) {
			nomem(p);
			break;
		}
		snprintf(v, n, "%s-%s", or_empty(c->lang), text);
		emit3(p, "language", v, c->version_id);
		free(v);
		c->lang_rows = true;
		break;
	}
	case L_LANGUAGE:
		if (!c->lang_rows && c->lang)
			emit3(p, "language", c->lang, "");
		break;
	case L_FORM:
		if (text)
			set(p, &c->form, tidy(text, true));
		break;
	case L_FEATURE:
		if (up == L_LANGUAGEFEATURES && c->form && *c->form)
			emit3(p, "feature", c->form, c->feat_type);
		break;
	case L_MIME:
		if (text)
			set(p, &c->mime, tidy(text, true));
		break;
	case L_ALIAS:
		if (text && *tidy(text, true))
			list_add(p, &c->aliases, text);
		break;
	case L_OUTPUTFORMAT:
		for (size_t i = 0; i < c->aliases.n; i++)
			emit3(p, "output", c->aliases.v[i], c->mime);
		if (c->aliases.n == 0 && c->mime && *c->mime)
			emit3(p, "output", c->mime, c->mime);
		break;
	case L_DEFAULT:
	case L_HARD:
		if (text)
			limit(p, up, e, tidy(text, true));
		break;
	case L_DATAMODEL:
		if (text)
			emit3(p, "dataModel", tidy(text, true), c->dm_id);
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------- tables */

/* The first '.' of s outside double quotes at or after s, or NULL. */
static const char *
unquoted_dot(const char *s)
{
	bool q = false;
	for (; *s; s++) {
		if (*s == '"')
			q = !q;
		else if (*s == '.' && !q)
			return s;
	}
	return NULL;
}

/* The table's name qualified by its schema, unless the service did. */
static char *
qualify(const char *schema, const char *name)
{
	size_t sl = schema ? strlen(schema) : 0;
	char *r;

	if (!sl || unquoted_dot(name) ||
	    (strncasecmp(name, schema, sl) == 0 && name[sl] == '.'))
		return strdup(name);
	if (!(r = malloc(sl + strlen(name) + 2)))
		return NULL;
	sprintf(r, "%s.%s", schema, name);
	return r;
}

/* Names equal but for case and double quotes. */
static bool
name_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '"')
			a++;
		while (*b == '"')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
}

static enum match
match(const char *want, const char *q)
{
	if (name_eq(want, q))
		return M_EXACT;
	for (const char *d = unquoted_dot(q); d; d = unquoted_dot(d + 1))
		if (name_eq(want, d + 1))
			return M_SUFFIX;
	return M_NONE;
}

/* The qualified name of the current table (malloc'd). */
static char *
table_name(struct vosi_parser *p)
{
	char *q = qualify(p->t.schema, or_empty(p->t.tname));
	if (!q)
		nomem(p);
	return q;
}

static const struct {
	const char *tap, *vot;
	char size;		/* 0 scalar, 'f' fixed, 'v' variable, '*' any */
} taptypes[] = {
	{ "BOOLEAN", "boolean", 0 }, { "SMALLINT", "short", 0 },
	{ "INTEGER", "int", 0 }, { "BIGINT", "long", 0 },
	{ "REAL", "float", 0 }, { "DOUBLE", "double", 0 },
	{ "CHAR", "char", 'f' }, { "VARCHAR", "char", 'v' },
	{ "BINARY", "unsignedByte", 'f' }, { "VARBINARY", "unsignedByte", 'v' },
	{ "TIMESTAMP", "char", '*' }, { "POINT", "char", '*' },
	{ "REGION", "char", '*' }, { "CLOB", "char", '*' },
	{ "BLOB", "unsignedByte", '*' },
};

/* Column datatype and arraysize from a dataType element. */
static void
data_type(struct vosi_parser *p, char *text)
{
	struct tables_state *t = &p->t;
	const char *as = t->dt_arraysize;
	char sz[40];

	tidy(text, true);
	if (t->dt_tap || vot_type_parse(text) == VOT_UNKNOWN) {
		for (size_t i = 0; i < sizeof taptypes / sizeof taptypes[0]; i++) {
			if (strcasecmp(text, taptypes[i].tap))
				continue;
			set(p, &t->col[1], taptypes[i].vot);
			if (!as && taptypes[i].size) {
				const char *n = t->dt_size && *t->dt_size ? t->dt_size : NULL;
				if (taptypes[i].size == 'f')
					snprintf(sz, sizeof sz, "%.30s", n ? n : "1");
				else if (taptypes[i].size == 'v' && n)
					snprintf(sz, sizeof sz, "%.30s*", n);
				else
					snprintf(sz, sizeof sz, "*");
				as = sz;
			}
			set(p, &t->col[2], as);
			return;
		}
	}
	set(p, &t->col[1], text);
	set(p, &t->col[2], as);
}

/* Pack the current column into one block of NCOLF strings. */
static void
keep_column(struct vosi_parser *p)
{
	struct tables_state *t = &p->t;
	size_t n = 0;

	for (int i = 0; i < NCOLF; i++)
		n += strlen(or_empty(t->col[i])) + 1;
	char *row = malloc(n), *w = row;
	if (!row) {
		nomem(p);
		return;
	}
	for (int i = 0; i < NCOLF; i++) {
		size_t k = strlen(or_empty(t->col[i])) + 1;
		memcpy(w, or_empty(t->col[i]), k);
		w += k;
	}
	list_push(p, &t->cur, row);
}

static void
emit_columns(struct vosi_parser *p, const struct strlist *l)
{
	const char *f[NCOLF];

	for (size_t i = 0; i < l->n && !p->err; i++) {
		const char *s = l->v[i];
		for (int j = 0; j < NCOLF; j++) {
			f[j] = s;
			s += strlen(s) + 1;
		}
		emit(p, f, NCOLF);
	}
}

static void
table_end(struct vosi_parser *p)
{
	struct tables_state *t = &p->t;
	char *q = table_name(p);

	if (!q)
		return;
	if (p->kind == VOSI_TABLES) {
		const char *f[3] = { q, or_empty(t->ttype),
				     or_empty(t->tdesc && *t->tdesc ? t->tdesc : t->ttitle) };
		emit(p, f, 3);
	} else if (!t->found) {
		switch (match(t->want, q)) {
		case M_EXACT:
			t->found = true;
			emit_columns(p, &t->cur);
			break;
		case M_SUFFIX:
			if (t->ncand++ == 0) {
				list_free(&t->cand);
				t->cand = t->cur;
				t->cur = (struct strlist){ 0 };
			}
			if (t->candnames.len < 150 &&
			    buf_add(p, &t->candnames, ", ", t->candnames.len ? 2 : 0))
				buf_add(p, &t->candnames, q, strlen(q));
			break;
		case M_NONE:
			break;
		}
	}
	list_clear(&t->cur);
	free(q);
}

static bool
tables_wants_text(enum vosi_kind k, enum el e, enum el up)
{
	switch (up) {
	case L_SCHEMA:
		return e == L_NAME;
	case L_TABLE:
		return e == L_NAME || e == L_TITLE || e == L_DESCRIPTION;
	case L_COLUMN:
		return k == VOSI_COLUMNS && (e == L_NAME || e == L_DESCRIPTION || e == L_UNIT || e == L_UCD ||
		       e == L_UTYPE || e == L_DATATYPE || e == L_FLAG);
	default:
		return false;
	}
}

static void
tables_start(struct vosi_parser *p, enum el e, enum el up, const XML_Char **atts)
{
	struct tables_state *t = &p->t;

	switch (e) {
	case L_SCHEMA:
		clear(&t->schema);
		break;
	case L_TABLE:
		clear(&t->tname);
		clear(&t->tdesc);
		clear(&t->ttitle);
		set(p, &t->ttype, attr(atts, "type"));
		list_clear(&t->cur);
		break;
	case L_COLUMN:
		if (p->kind != VOSI_COLUMNS || up != L_TABLE)
			break;
		for (int i = 0; i < NCOLF; i++)
			clear(&t->col[i]);
		t->flags.len = 0;
		if (t->flags.s)
			t->flags.s[0] = '\0';
		t->buffering = false;
		if (!t->found) {
			char *q = t->tname ? table_name(p) : NULL;
			t->buffering = !t->tname || (q && match(t->want, q) != M_NONE);
			free(q);
		}
		break;
	case L_DATATYPE:
		if (up == L_COLUMN) {
			const char *x = xsitype(atts);
			t->dt_tap = x && strncmp(x, "TAP", 3) == 0;
			set(p, &t->dt_arraysize, attr(atts, "arraysize"));
			set(p, &t->dt_size, attr(atts, "size"));
		}
		break;
	default:
		break;
	}
}

static void
tables_end(struct vosi_parser *p, enum el e, enum el up, char *text)
{
	struct tables_state *t = &p->t;
	bool col = up == L_COLUMN && p->kind == VOSI_COLUMNS && t->buffering;

	switch (e) {
	case L_NAME:
		if (up == L_SCHEMA)
			set(p, &t->schema, tidy(text, true));
		else if (up == L_TABLE)
			set(p, &t->tname, tidy(text, true));
		else if (col)
			set(p, &t->col[0], tidy(text, true));
		break;
	case L_TITLE:
		if (up == L_TABLE)
			set(p, &t->ttitle, tidy(text, true));
		break;
	case L_DESCRIPTION:
		if (up == L_TABLE)
			set(p, &t->tdesc, tidy(text, true));
		else if (col)
			set(p, &t->col[6], tidy(text, true));
		break;
	case L_UNIT:
	case L_UCD:
	case L_UTYPE:
		if (col)
			set(p, &t->col[e == L_UNIT ? 3 : e == L_UCD ? 4 : 5], tidy(text, true));
		break;
	case L_DATATYPE:
		if (col)
			data_type(p, text);
		break;
	case L_FLAG:
		if (col && *tidy(text, true)) {
			if (t->flags.len)
				buf_add(p, &t->flags, ",", 1);
			buf_add(p, &t->flags, text, strlen(text));
		}
		break;
	case L_COLUMN:
		if (p->kind == VOSI_COLUMNS && up == L_TABLE && t->buffering &&
		    set(p, &t->col[7], t->flags.s))
			keep_column(p);
		break;
	case L_TABLE:
		table_end(p);
		break;
	case L_SCHEMA:
		clear(&t->schema);
		break;
	default:
		break;
	}
}

static void
columns_finish(struct vosi_parser *p)
{
	struct tables_state *t = &p->t;

	if (t->found)
		return;
	if (t->ncand == 1)
		emit_columns(p, &t->cand);
	else if (t->ncand > 1)
		fail(p, VOSI_ENOTFOUND, "table name '%s' is ambiguous: %s%s", t->want,
		     t->candnames.s, t->candnames.len >= 150 ? ", ..." : "");
	else
		fail(p, VOSI_ENOTFOUND, "no table '%s' in the tableset", t->want);
}

/* -------------------------------------------------------------- examples */

static void
examples_start(struct vosi_parser *p, const XML_Char **atts)
{
	struct examples_state *x = &p->x;
	const char *prop = attr(atts, "property");
	const char *type = attr(atts, "typeof");

	if (prop && has_term(prop, "continuation") && attr(atts, "href"))
		list_add(p, &x->conts, attr(atts, "href"));
	if (!x->depth && type && has_term(type, "example")) {
		const char *id = attr(atts, "id");
		const char *res = attr(atts, "resource");
		if (!id && res) {
			const char *h = strrchr(res, '#');
			id = h ? h + 1 : res;
		}
		x->depth = p->depth;
		set(p, &x->id, id);
		clear(&x->name);
		clear(&x->query);
	}
	if (!x->depth || p->collect_depth || !prop)
		return;
	int which = 0;
	if (!x->name && has_term(prop, "name"))
		which = 1;
	else if (!x->query && has_term(prop, "query"))
		which = 2;
	if (!which)
		return;
	const char *content = attr(atts, "content");
	if (content) {
		set(p, which == 1 ? &x->name : &x->query, content);
		return;
	}
	x->prop = which;
	p->collect_depth = p->depth;
	p->text.len = 0;
}

static void
examples_end(struct vosi_parser *p, char *text)
{
	struct examples_state *x = &p->x;

	if (text) {
		if (x->prop == 1)
			set(p, &x->name, tidy(text, true));
		else if (x->prop == 2)
			set(p, &x->query, tidy(text, false));
		x->prop = 0;
	}
	if (x->depth == p->depth) {
		const char *f[3] = { or_empty(x->id), or_empty(x->name), or_empty(x->query) };
		emit(p, f, 3);
		x->depth = 0;
	}
}

/* ---------------------------------------------------------- availability */

static void
availability_end(struct vosi_parser *p, enum el e, char *text)
{
	const char *f[2] = { NULL, tidy(text, true) };

	switch (e) {
	case L_AVAILABLE:
		p->available = strcmp(text, "true") == 0 || strcmp(text, "1") == 0;
		f[0] = "available";
		f[1] = p->available ? "true" : "false";
		break;
	case L_UPSINCE: f[0] = "upSince"; break;
	case L_DOWNAT: f[0] = "downAt"; break;
	case L_BACKAT: f[0] = "backAt"; break;
	case L_NOTE: f[0] = "note"; break;
	default: return;
	}
	emit(p, f, 2);
}

/* ------------------------------------------------------- expat callbacks */

static bool
root_ok(enum vosi_kind k, enum el e)
{
	switch (k) {
	case VOSI_CAPABILITIES:
		return e == L_CAPABILITIES;
	case VOSI_TABLES:
	case VOSI_COLUMNS:
		return e == L_TABLESET || e == L_TABLE;
	case VOSI_AVAILABILITY:
		return e == L_AVAILABILITY;
	case VOSI_EXAMPLES:
		return true;
	}
	return false;
}

static const char *
kind_name(enum vosi_kind k)
{
	switch (k) {
	case VOSI_CAPABILITIES: return "VOSI capabilities";
	case VOSI_TABLES:
	case VOSI_COLUMNS: return "VOSI tableset";
	case VOSI_AVAILABILITY: return "VOSI availability";
	case VOSI_EXAMPLES: return "DALI examples";
	}
	return "";
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct vosi_parser *p = ud;
	enum el e, up;

	if (p->err)
		return;
	if (p->depth >= MAX_DEPTH) {
		fail(p, VOSI_EDATA, "elements nested too deeply");
		return;
	}
	e = p->kind == VOSI_EXAMPLES ? L_OTHER : el_of(name);
	up = p->depth ? (enum el)p->stack[p->depth - 1] : L_NONE;
	if (!p->root_seen) {
		p->root_seen = true;
		if (!root_ok(p->kind, e)) {
			fail(p, VOSI_EDATA, "not a %s document (root element '%s')",
			     kind_name(p->kind), name);
			return;
		}
	}
	p->stack[p->depth++] = (unsigned char)e;

	switch (p->kind) {
	case VOSI_CAPABILITIES:
		caps_start(p, e, up, atts);
		if (!p->collect_depth && caps_wants_text(e, up))
			p->collect_depth = p->depth;
		break;
	case VOSI_TABLES:
	case VOSI_COLUMNS:
		tables_start(p, e, up, atts);
		if (!p->collect_depth && tables_wants_text(p->kind, e, up))
			p->collect_depth = p->depth;
		break;
	case VOSI_AVAILABILITY:
		if (!p->collect_depth && up == L_AVAILABILITY)
			p->collect_depth = p->depth;
		break;
	case VOSI_EXAMPLES:
		examples_start(p, atts);
		break;
	}
	if (p->collect_depth == p->depth) {
		p->text.len = 0;
		if (!buf_add(p, &p->text, "", 0))
			return;
	}
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct vosi_parser *p = ud;
	enum el e, up;
	char *text = NULL;

	(void)name;
	if (p->err)
		return;
	e = (enum el)p->stack[p->depth - 1];
	up = p->depth > 1 ? (enum el)p->stack[p->depth - 2] : L_NONE;
	if (p->collect_depth == p->depth) {
		text = p->text.s;
		p->collect_depth = 0;
	}
	switch (p->kind) {
	case VOSI_CAPABILITIES:
		caps_end(p, e, up, text);
		break;
	case VOSI_TABLES:
	case VOSI_COLUMNS:
		if (text || e == L_COLUMN || e == L_TABLE || e == L_SCHEMA)
			tables_end(p, e, up, text);
		break;
	case VOSI_AVAILABILITY:
		if (text)
			availability_end(p, e, text);
		break;
	case VOSI_EXAMPLES:
		examples_end(p, text);
		break;
	}
	p->depth--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct vosi_parser *p = ud;
	if (p->collect_depth && !p->err)
		buf_add(p, &p->text, s, (size_t)len);
}

/* XHTML pages name their DTD, which is not read: the few HTML entities
 * seen in examples pages then arrive here. */
static void XMLCALL
on_skipped(void *ud, const XML_Char *name, int is_param)
{
	static const struct {
		const char *name, *utf8;
	} ents[] = {
		{ "nbsp", " " }, { "ndash", "\xe2\x80\x93" },
		{ "mdash", "\xe2\x80\x94" }, { "hellip", "\xe2\x80\xa6" },
		{ "deg", "\xc2\xb0" }, { "times", "\xc3\x97" },
		{ "lsquo", "\xe2\x80\x98" }, { "rsquo", "\xe2\x80\x99" },
		{ "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" },
		{ "copy", "\xc2\xa9" }, { "middot", "\xc2\xb7" },
	};
	struct vosi_parser *p = ud;

	if (is_param || !p->collect_depth || p->err)
		return;
	for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
		if (strcmp(name, ents[i].name) == 0) {
			buf_add(p, &p->text, ents[i].utf8, strlen(ents[i].utf8));
			return;
		}
}

static void XMLCALL
on_entity_decl(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
	       int value_len, const XML_Char *base, const XML_Char *system_id,
	       const XML_Char *public_id, const XML_Char *notation)
{
	struct vosi_parser *p = ud;
	(void)is_param; (void)value; (void)value_len; (void)base;
	(void)system_id; (void)public_id; (void)notation;
	/* never needed here, and how entity bombs work */
	fail(p, VOSI_EDATA, "entity declarations are not allowed (entity '%s')", name);
}

/* ------------------------------------------------------------ public API */

const char *const *
vosi_header(enum vosi_kind k, size_t *n)
{
	static const char *const caps[] = { "key", "value", "detail" };
	static const char *const tables[] = { "name", "type", "description" };
	static const char *const columns[] = { "name", "datatype", "arraysize", "unit",
					       "ucd", "utype", "description", "flags" };
	static const char *const examples[] = { "id", "name", "query" };
	static const char *const avail[] = { "key", "value" };

	switch (k) {
	case VOSI_CAPABILITIES: *n = 3; return caps;
	case VOSI_TABLES: *n = 3; return tables;
	case VOSI_COLUMNS: *n = NCOLF; return columns;
	case VOSI_EXAMPLES: *n = 3; return examples;
	case VOSI_AVAILABILITY: *n = 2; return avail;
	}
	*n = 0;
	return NULL;
}

struct vosi_parser *
vosi_parser_new(enum vosi_kind k, const char *table, vosi_row_fn row, void *ctx)
{
	struct vosi_parser *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->kind = k;
	p->row = row;
	p->ctx = ctx;
	p->available = -1;
	p->c.caps = (struct tap_caps){
		.maxrec_default = -1, .maxrec_hard = -1, .upload_limit = -1,
		.retention_default = -1, .retention_hard = -1,
		.exec_default = -1, .exec_hard = -1,
	};
	if (k == VOSI_COLUMNS && !(p->t.want = strdup(table ? table : "")))
		goto oom;
	if (!(p->xp = XML_ParserCreate(NULL)))
		goto oom;
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, on_start, on_end);
	XML_SetCharacterDataHandler(p->xp, on_text);
	XML_SetEntityDeclHandler(p->xp, on_entity_decl);
	XML_SetSkippedEntityHandler(p->xp, on_skipped);
	return p;
oom:
	vosi_parser_free(p);
	return NULL;
}

static enum vosi_err
xml_error(struct vosi_parser *p, bool final)
{
	if (p->err)
		return p->err;
	char msg[300];
	xml_error_text(p->xp, final, msg, sizeof msg);
	fail(p, VOSI_EDATA, "%s", msg);
	return p->err;
}

enum vosi_err
vosi_parser_feed(struct vosi_parser *p, const char *buf, size_t len)
{
	while (len > 0 && !p->err) {
		int chunk = len > INT_MAX ? INT_MAX : (int)len;
		if (XML_Parse(p->xp, buf, chunk, 0) == XML_STATUS_ERROR)
			return xml_error(p, false);
		buf += chunk;
		len -= (size_t)chunk;
	}
	return p->err;
}

enum vosi_err
vosi_parser_finish(struct vosi_parser *p)
{
	if (p->err)
		return p->err;
	if (XML_Parse(p->xp, "", 0, 1) == XML_STATUS_ERROR)
		return xml_error(p, true);
	if (!p->root_seen) {
		fail(p, VOSI_EDATA, "empty document");
		return p->err;
	}
	if (p->kind == VOSI_COLUMNS)
		columns_finish(p);
	return p->err;
}

const char *
vosi_parser_errmsg(const struct vosi_parser *p)
{
	return p->err ? p->errmsg : "";
}

const struct tap_caps *
vosi_parser_caps(const struct vosi_parser *p)
{
	return &p->c.caps;
}

int
vosi_parser_available(const struct vosi_parser *p)
{
	return p->available;
}

const char *const *
vosi_parser_continuations(const struct vosi_parser *p, size_t *n)
{
	*n = p->x.conts.n;
	return (const char *const *)p->x.conts.v;
}

void
vosi_parser_free(struct vosi_parser *p)
{
	if (!p)
		return;
	if (p->xp)
		XML_ParserFree(p->xp);
	buf_free(&p->text);

	struct caps_state *c = &p->c;
	free(c->stdid);
	list_free(&c->urls);
	list_free(&c->secids);
	free(c->lang);
	free(c->version_id);
	free(c->feat_type);
	free(c->form);
	free(c->mime);
	free(c->unit);
	free(c->dm_id);
	list_free(&c->aliases);
	list_free(&c->seen);
	free(c->caps.sync_url);
	free(c->caps.async_url);
	free(c->caps.tables_url);
	free(c->caps.capabilities_url);
	free(c->caps.availability_url);
	free(c->caps.examples_url);

	struct tables_state *t = &p->t;
	free(t->schema);
	free(t->tname);
	free(t->ttype);
	free(t->tdesc);
	free(t->ttitle);
	for (int i = 0; i < NCOLF; i++)
		free(t->col[i]);
	buf_free(&t->flags);
	free(t->dt_arraysize);
	free(t->dt_size);
	free(t->want);
	list_free(&t->cur);
	list_free(&t->cand);
	buf_free(&t->candnames);

	free(p->x.id);
	free(p->x.name);
	free(p->x.query);
	list_free(&p->x.conts);
	free(p);
}
