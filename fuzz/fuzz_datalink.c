/* DataLink documents (lib/datalink, and lib/tablein's spooling of a
 * VOTable whose service descriptors follow its table, as vo-datalink
 * reads its input): the document is spooled and parsed, its service
 * descriptors walked and their input parameters checked against values
 * taken from the rows; the rows' semantics are matched against the
 * vocabulary. */
#include "datalink.h"
#include "fuzz.h"
#include "tablein.h"

struct ctx {
	const struct vot_doc *doc;
	unsigned long rows;
	size_t limit;
};

static const char *const wanted[] = {
	"#this", "#preview", "this", "#calibration", "#proc", "#cutout", "#auxiliary",
	"http://www.ivoa.net/rdf/datalink/core#preview", "https://example.org/x#y", "",
};

static void
check_value(const struct vot_doc *d, const char *value)
{
	struct dl_service s;
	size_t pos = 0;
	char msg[200];
	int budget = 16;

	while (dl_service_next(d, &pos, &s) && budget > 0)
		for (size_t i = 0; i < s.ninputs && budget > 0; i++, budget--) {
			const struct vot_field *f = &s.inputs[i];
			if (!f->name)
				continue;
			FZ_CHECK(dl_service_input(&s, f->name) != NULL, "input %s not found", f->name);
			msg[0] = '\0';
			if (!dl_service_check(&s, f->name, value, msg, sizeof msg))
				FZ_CHECK(msg[0] != '\0', "refused without a message");
		}
}

static int
on_row(void *vctx, const struct vot_table *t, const struct vot_cell *c)
{
	struct ctx *x = vctx;
	FZ_CHECK(++x->rows <= x->limit, "%lu rows from %zu bytes", x->rows, x->limit);
	size_t sem = vot_field_index(t, "semantics");
	if (sem != SIZE_MAX) {
		FZ_CHECK(sem < t->nfields, "field index %zu of %zu", sem, t->nfields);
		for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++)
			dl_semantics_match(c[sem].s, wanted[i]);
		dl_semantics_known(c[sem].s);
		dl_semantics_match(c[sem].s, c[sem].s);
	}
	if (x->rows <= 4)
		for (size_t i = 0; i < t->nfields && i < 8; i++)
			check_value(x->doc, c[i].s);
	return 0;
}

static void
walk_services(const struct vot_doc *d)
{
	static const char *const probes[] = {
		"CIRCLE 10 20 1", "10 20 1", "1e-7 2e-7", "-Inf +Inf", "55000 55001",
		"nan nan nan", "1e308 -1e308 1e308", "3", "", "POLYGON 1 2 3 4 5 6",
	};
	struct dl_service s;
	size_t pos = 0;

	while (dl_service_next(d, &pos, &s)) {
		fz_touch(s.name), fz_touch(s.standard_id), fz_touch(s.access_url);
		for (size_t i = 0; i < s.ninputs; i++)
			fz_touch(s.inputs[i].name);
	}
	if (dl_service_find(d, "ivo://ivoa.net/std/SODA#sync", &s))
		FZ_CHECK(*s.access_url, "a service found without an access URL");
	dl_service_find(d, "", &s);
	for (size_t i = 0; i < sizeof probes / sizeof *probes; i++)
		check_value(d, probes[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fz_rng rng;
	struct vot_parser *p = NULL;
	FILE *spool = NULL;
	char err[256];

	fz_rng_seed(&rng, data, len);
	size_t prefix = len ? (size_t)(fz_rng_next(&rng) % (len + 1)) : 0;
	int fd = fz_memfd(data + prefix, len - prefix);
	if (fd < 0)
		abort();
	enum vot_err e = tin_spool_votable(fd, (const char *)data, prefix, &p, &spool, err,
					   sizeof err);
	close(fd);
	if (e != VOT_OK) {
		FZ_CHECK(p == NULL && spool == NULL, "a failed spool left something");
		return 0;
	}
	const struct vot_doc *d = vot_parser_doc(p);
	walk_services(d);

	struct ctx x = { .doc = d, .limit = len + 16 };
	struct vot_handler h = { .ctx = &x, .row = on_row };
	struct vot_parser *p2 = vot_parser_new(&h);
	if (!p2)
		abort();
	/* rows are only decoded now: errors in them may come only now */
	vot_parse_fd(p2, fileno(spool));
	fz_touch(vot_parser_errmsg(p2));
	vot_parser_free(p2);
	vot_parser_free(p);
	fclose(spool);
	return 0;
}
