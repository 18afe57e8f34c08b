/* Named services: -s takes a URL or a short name from the user's services
 * file ($VO_SERVICES, else $XDG_CONFIG_HOME/vo-tools/services, else
 * ~/.config/vo-tools/services), one "NAME URL" per line, # comments:
 *     gavo    https://dc.g-vo.org/tap
 *     rsp     https://data.lsst.cloud/api/tap
 * Without -s, the environment variable a program names (e.g.
 * VO_TAP_SERVICE) gives the default, itself a URL or a name. */
#ifndef VT_SERVICES_H
#define VT_SERVICES_H

#include <stddef.h>

/* The URL for arg (or, if arg is NULL, for $envvar); malloc'd.  NULL with
 * a message in err and *code set to an exit code when there is none. */
char *service_resolve(const char *arg, const char *envvar, int *code, char *err, size_t errlen);

#endif
