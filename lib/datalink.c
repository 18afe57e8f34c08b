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
