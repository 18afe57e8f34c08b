/* lib/datalink: the semantics vocabulary, and parameters checked against
 * a service descriptor's declared limits, in the forms real services
 * write them. */
#include <stdio.h>
#include <string.h>

#include "datalink.h"

static int failures, checks;

static void
sem(const char *semantics, const char *wanted, bool want)
{
	checks++;
	if (dl_semantics_match(semantics, wanted) != want) {
		failures++;
		fprintf(stderr, "FAIL: semantics %s ~ %s: want %s\n", semantics, wanted,
			want ? "match" : "no match");
	}
}

static void
check(const struct dl_service *s, const char *name, const char *value, const char *want_msg)
{
	char msg[512] = "";
	checks++;
	bool ok = dl_service_check(s, name, value, msg, sizeof msg);
	if (want_msg ? ok || !strstr(msg, want_msg) : !ok) {
		failures++;
		fprintf(stderr, "FAIL: %s=%s: got %s (%s), want %s\n", name, value, ok ? "ok" : "refused",
			msg, want_msg ? want_msg : "ok");
	}
}

static struct vot_field
param(const char *name, const char *xtype, const char *min, const char *max)
{
	struct vot_field f;
	memset(&f, 0, sizeof f);
	f.name = (char *)name;
	f.xtype = (char *)xtype;
	f.values.min = (char *)min;
	f.values.max = (char *)max;
	return f;
}

int
main(void)
{
	sem("#preview-image", "#preview", true);
	sem("#preview-image", "preview", true);
	sem("http://www.ivoa.net/rdf/datalink/core#preview-plot", "#preview", true);
	sem("#thumbnail", "#preview", true);
	sem("#flat", "calibration", true);
	sem("#preview", "#preview-image", false);
	sem("#this", "#preview", false);
	sem("http://archive.eso.org/rdf/datalink/eso#calSelector_raw2master",
	    "http://archive.eso.org/rdf/datalink/eso#calSelector_raw2master", true);
	sem("http://archive.eso.org/rdf/datalink/eso#calSelector_raw2master", "#calibration", false);

	struct vot_option stokes[] = { { NULL, "I" }, { NULL, "Q" }, { NULL, "U" }, { NULL, "V" } };
	struct vot_field in[] = {
		param("ID", NULL, NULL, NULL),
		/* DaCHS: MIN and MAX of an interval as plain numbers */
		param("BAND", "interval", "6e-07", "7e-07"),
		/* the same as intervals themselves */
		param("TIME", "interval", "59000 59000", "59100 59100"),
		/* DaCHS: CIRCLE's MAX is the circle covering the data */
		param("CIRCLE", "circle", "", "10.5 -3.25 0.09"),
		param("POL", NULL, NULL, NULL),
		param("PIXEL_1", NULL, "1", "64"),
	};
	in[4].values.options = stokes;
	in[4].values.noptions = 4;
	struct dl_service s = { .name = "soda", .standard_id = "ivo://ivoa.net/std/SODA#sync-1.0",
				.access_url = "http://x/soda", .inputs = in,
				.ninputs = sizeof in / sizeof in[0] };

	check(&s, "BAND", "6.5e-07 6.6e-07", NULL);
	check(&s, "band", "6.9e-07 8e-07", NULL);	/* overlaps; names ignore case */
	check(&s, "BAND", "7.1e-07 8e-07", "outside the declared range 6e-07 .. 7e-07");
	check(&s, "BAND", "1e-07 5e-07", "outside the declared range");
	check(&s, "TIME", "58000 59050", NULL);
	check(&s, "TIME", "59200 59300", "outside the declared range");
	check(&s, "CIRCLE", "10.52 -3.24 0.01", NULL);
	check(&s, "CIRCLE", "10.5 -3.4 0.1", NULL);	/* centre outside, reaches in */
	check(&s, "CIRCLE", "200 40 0.01", "does not reach the dataset");
	check(&s, "POL", "Q", NULL);
	check(&s, "POL", "RR", "is not one of the values");
	check(&s, "PIXEL_1", "65", "outside the declared range");
	check(&s, "PIXEL_1", "3", NULL);
	check(&s, "FOO", "1", "the service takes no parameter FOO");
	checks++;
	if (!dl_service_input(&s, "circle") || dl_service_input(&s, "nope")) {
		failures++;
		fprintf(stderr, "FAIL: dl_service_input\n");
	}

	printf("datalink: %d checks, %d failures\n", checks, failures);
	return failures != 0;
}
