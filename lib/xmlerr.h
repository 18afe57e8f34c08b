/* The one-line message for the error expat stopped on, the same in every
 * XML reader (VOTable, VOSI, ...). */
#ifndef VT_XMLERR_H
#define VT_XMLERR_H

#include <stdbool.h>
#include <stddef.h>

#include <expat.h>

/* Into buf: "truncated document (...)" when the input ended inside the
 * document (final: no more input), else "XML error: ... (column N)". */
void xml_error_text(XML_Parser xp, bool final, char *buf, size_t len);

#endif
