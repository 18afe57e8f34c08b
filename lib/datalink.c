#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "datalink.h"

/* The IVOA datalink/core vocabulary (http://www.ivoa.net/rdf/datalink/core,
 * as of 2024): each term with its broader term, "" for top terms.  Built
 * in so that --semantics works without the network. */
static const char *const vocab[][2] = {
	{ "this", "" },
	{ "progenitor", "" },
	{ "derivation", "" },
	{ "auxiliary", "" },
	{ "weight", "auxiliary" },
	{ "error", "auxiliary" },
	{ "noise", "auxiliary" },
	{ "calibration", "" },
	{ "bias", "calibration" },
	{ "dark", "calibration" },
	{ "flat", "calibration" },
	{ "preview", "" },
	{ "preview-image", "preview" },
	{ "preview-plot", "preview" },
	{ "thumbnail", "preview" },
	{ "proc", "" },
	{ "cutout", "proc" },
	{ "documentation", "" },
	{ "detached-header", "documentation" },
	{ "coderived", "" },
	{ "counterpart", "" },
	{ "package", "" },
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

/* The term of a semantics value: after '#' for the core vocabulary
 * (bare "#x" or "http://www.ivoa.net/rdf/datalink/core#x"), else NULL. */
static const char *
core_term(const char *s)
{
	static const char base[] = "http://www.ivoa.net/rdf/datalink/core#";
	if (!s)
		return NULL;
	if (s[0] == '#')
		return s + 1;
	if (!strncasecmp(s, base, sizeof base - 1))
		return s + sizeof base - 1;
	if (!strncasecmp(s, "https", 5) && !strncasecmp(s + 5, base + 4, sizeof base - 5))
		return s + sizeof base;
	return NULL;
}

static const char *
broader(const char *term)
{
	for (size_t i = 0; i < NVOCAB; i++)
		if (!strcasecmp(vocab[i][0], term))
			return vocab[i][1];
	return NULL;
}

bool
dl_semantics_known(const char *term)
{
	if (term[0] == '#')
		term++;
	return broader(term) != NULL;
}

bool
dl_semantics_match(const char *semantics, const char *wanted)
{
	const char *have = core_term(semantics);
	const char *want = wanted[0] == '#' ? wanted + 1 : core_term(wanted);

	if (!want)
		want = wanted;
	if (!have)
		return semantics && !strcasecmp(semantics, wanted);
	/* walk up from the link's term: the vocabulary is two levels deep,
	 * but a loop costs nothing and survives a deeper future version */
	for (int depth = 0; have && *have && depth < 8; depth++) {
		if (!strcasecmp(have, want))
			return true;
		have = broader(have);
	}
	return false;
}

bool
dl_service_next(const struct vot_doc *d, size_t *pos, struct dl_service *s)
{
	for (; *pos < d->nresources; (*pos)++) {
		const struct vot_resource *res = &d->resources[*pos];
		if (!res->type || strcmp(res->type, "meta") || !res->utype ||
		    strcasecmp(res->utype, "adhoc:service"))
			continue;
		*s = (struct dl_service){ .name = res->id ? res->id : res->name ? res->name : "",
					  .standard_id = "", .access_url = "" };
		for (size_t k = 0; k < res->nparams; k++) {
			const struct vot_field *p = &res->params[k];
			if (p->name && p->value && !strcmp(p->name, "standardID"))
				s->standard_id = p->value;
			if (p->name && p->value && !strcmp(p->name, "accessURL"))
				s->access_url = p->value;
		}
		for (size_t g = 0; g < res->ngroups && !s->inputs; g++)
			if (res->groups[g].name && !strcmp(res->groups[g].name, "inputParams")) {
				s->inputs = res->groups[g].params;
				s->ninputs = res->groups[g].nparams;
			}
		(*pos)++;
		return true;
	}
	return false;
}

bool
dl_service_find(const struct vot_doc *d, const char *prefix, struct dl_service *s)
{
	size_t pos = 0;
	while (dl_service_next(d, &pos, s))
		if (!strncasecmp(s->standard_id, prefix, strlen(prefix)) && *s->access_url)
			return true;
	return false;
}

const struct vot_field *
dl_service_input(const struct dl_service *s, const char *name)
{
	for (size_t i = 0; i < s->ninputs; i++)
		if (s->inputs[i].name && !strcasecmp(s->inputs[i].name, name))
			return &s->inputs[i];
	return NULL;
}

/* Split a value into up to n numbers; returns how many. */
static size_t
numbers(const char *s, double *v, size_t n)
{
	size_t k = 0;
	while (s && *s && k < n) {
		char *end;
		double d = strtod(s, &end);
		if (end == s)
			break;
		v[k++] = d;
		s = end;
	}
	return k;
}

static double
sky_distance(double ra1, double de1, double ra2, double de2)
{
	double r = M_PI / 180;
	double c = sin(de1 * r) * sin(de2 * r) + cos(de1 * r) * cos(de2 * r) * cos((ra1 - ra2) * r);
	return acos(c > 1 ? 1 : c < -1 ? -1 : c) / r;
}

bool
dl_service_check(const struct dl_service *s, const char *name, const char *value,
		 char *msg, size_t msglen)
{
	const struct vot_field *f = dl_service_input(s, name);
	if (!f) {
		snprintf(msg, msglen, "the service takes no parameter %s", name);
		return false;
	}
	const struct vot_values *v = &f->values;
	if (v->noptions) {
		for (size_t i = 0; i < v->noptions; i++)
			if (v->options[i].value && !strcmp(v->options[i].value, value))
				return true;
		snprintf(msg, msglen, "%s=%s is not one of the values the service declares", name, value);
		return false;
	}
	double want[8], lo[8], hi[8];
	size_t nw = numbers(value, want, 8);
	size_t nl = numbers(v->min, lo, 8), nh = numbers(v->max, hi, 8);
	if (f->xtype && !strcmp(f->xtype, "circle") && nw == 3 && nh == 3) {
		/* the declared maximum is the circle covering the data */
		double d = sky_distance(want[0], want[1], hi[0], hi[1]);
		if (d > hi[2] + want[2]) {
			snprintf(msg, msglen, "CIRCLE %s does not reach the dataset (the service declares it "
				 "within %s; the centres are %.4g deg apart)", value, v->max, d);
			return false;
		}
		return true;
	}
	if (nw == 2 && ((nl >= 1 && want[1] < lo[0]) || (nh >= 1 && want[0] > hi[nh - 1]))) {
		/* an interval (BAND, TIME, RA, DEC): it must overlap the declared
		 * one, whether MIN and MAX are numbers or intervals themselves */
		snprintf(msg, msglen, "%s %s is outside the declared range %s .. %s", name, value,
			 v->min ? v->min : "", v->max ? v->max : "");
		return false;
	}
	if (nw == 1 && ((nl >= 1 && want[0] < lo[0]) || (nh >= 1 && want[0] > hi[nh - 1]))) {
		snprintf(msg, msglen, "%s=%s is outside the declared range %s .. %s", name, value,
			 v->min ? v->min : "", v->max ? v->max : "");
		return false;
	}
	return true;
}
