/* DataLink (IVOA DataLink 1.1): the semantics vocabulary, built in so that
 * filtering works offline, and the links documents' columns. */
#ifndef VT_DATALINK_H
#define VT_DATALINK_H

#include <stdbool.h>

/* Whether a link's semantics (e.g. "#preview-image", or a full vocabulary
 * URI) matches the wanted term ("preview" or "#preview"): the same term,
 * or one of its narrower terms in the datalink/core vocabulary.  Terms
 * from other vocabularies (full URIs) match only themselves. */
bool dl_semantics_match(const char *semantics, const char *wanted);

/* Whether term is in the built-in datalink/core vocabulary. */
bool dl_semantics_known(const char *term);

#endif
