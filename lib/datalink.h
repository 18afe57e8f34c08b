/* DataLink (IVOA DataLink 1.1): the semantics vocabulary, built in so that
 * filtering works offline, and the links documents' columns. */
#ifndef VT_DATALINK_H
#define VT_DATALINK_H

#include <stdbool.h>
#include <stddef.h>

#include "vot.h"

/* Whether a link's semantics (e.g. "#preview-image", or a full vocabulary
 * URI) matches the wanted term ("preview" or "#preview"): the same term,
 * or one of its narrower terms in the datalink/core vocabulary.  Terms
 * from other vocabularies (full URIs) match only themselves. */
bool dl_semantics_match(const char *semantics, const char *wanted);

/* Whether term is in the built-in datalink/core vocabulary. */
bool dl_semantics_known(const char *term);

/* A service descriptor: RESOURCE type="meta" utype="adhoc:service", as
 * DataLink documents carry for SODA and results carry for DataLink.  The
 * pointers borrow from the document. */
struct dl_service {
	const char *name;		/* the RESOURCE's ID, else its name, else "" */
	const char *standard_id;	/* "" if none */
	const char *access_url;		/* "" if none */
	const struct vot_field *inputs;	/* GROUP name="inputParams" */
	size_t ninputs;
};

/* The next service descriptor of d from *pos on (start with 0): true and
 * *s filled, or false when there are no more. */
bool dl_service_next(const struct vot_doc *d, size_t *pos, struct dl_service *s);

/* The first descriptor whose standardID starts with prefix (case
 * ignored), e.g. "ivo://ivoa.net/std/SODA#sync"; false if none. */
bool dl_service_find(const struct vot_doc *d, const char *prefix, struct dl_service *s);

/* The input parameter called name (case ignored), or NULL. */
const struct vot_field *dl_service_input(const struct dl_service *s, const char *name);

/* Whether value suits the input parameter name as the descriptor declares
 * it: a parameter it has, one of its OPTIONs, within its MIN and MAX (an
 * interval must overlap the declared one; a CIRCLE must reach the circle
 * DaCHS declares as MAX, the one covering the data).  False with a
 * message naming the limit. */
bool dl_service_check(const struct dl_service *s, const char *name, const char *value,
		      char *msg, size_t msglen);

#endif
