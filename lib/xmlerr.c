#include <stdio.h>

#include "xmlerr.h"

void
xml_error_text(XML_Parser xp, bool final, char *buf, size_t len)
{
	enum XML_Error code = XML_GetErrorCode(xp);
	const char *what = XML_ErrorString(code);
	/* a cut connection shows as one of these at the end of the input */
	if (final && (code == XML_ERROR_NO_ELEMENTS || code == XML_ERROR_UNCLOSED_TOKEN ||
		      code == XML_ERROR_UNCLOSED_CDATA_SECTION || code == XML_ERROR_PARTIAL_CHAR))
		snprintf(buf, len, "truncated document (%s)", what);
	else
		snprintf(buf, len, "XML error: %s (column %lu)", what,
			 (unsigned long)XML_GetCurrentColumnNumber(xp) + 1);
}
