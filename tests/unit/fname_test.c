/* lib/fname: file names from URLs and Content-Disposition, numbered,
 * with the extension of a content type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fname.h"

static int failures, checks;

static void
expect(const char *what, char *got, const char *want)
{
	checks++;
	if (want ? !got || strcmp(got, want) : got != NULL) {
		failures++;
		fprintf(stderr, "FAIL: %s: got '%s', want '%s'\n", what, got ? got : "(null)",
			want ? want : "(null)");
	}
	free(got);
}

int
main(void)
{
	expect("url", fname_from_url("https://h/a/b/img01.fits?x=1#f"), "img01.fits");
	expect("url encoded", fname_from_url("http://h/p/caf%C3%A9%20x.txt"), "café x.txt");
	expect("url no path", fname_from_url("http://h"), "");
	expect("url dir", fname_from_url("http://h/a/"), "");
	expect("url dot", fname_from_url("http://h/..%2F..%2Fetc%2Fpasswd"), "passwd");
	expect("cd quoted", fname_from_disposition("attachment; filename=\"cut out.fits\""), "cut out.fits");
	expect("cd bare", fname_from_disposition("inline; filename=x.vot; size=3"), "x.vot");
	expect("cd star", fname_from_disposition("attachment; filename*=UTF-8''%C3%A5str%C3%B6m.fits"),
	       "åström.fits");
	expect("cd star first", fname_from_disposition("attachment; filename=\"a.fits\"; filename*=UTF-8''b.fits"),
	       "b.fits");
	expect("cd case", fname_from_disposition("attachment; FILENAME=\"A.FITS\""), "A.FITS");
	expect("cd path", fname_from_disposition("attachment; filename=\"../../.bashrc\""), "bashrc");
	expect("cd control", fname_from_disposition("attachment; filename=\"a\tb.fits\""), "a_b.fits");
	expect("cd none", fname_from_disposition("inline"), NULL);
	expect("cd empty", fname_from_disposition("attachment; filename=\"\""), NULL);
	expect("numbered", fname_numbered("img01-cutout.fits", 3), "img01-cutout-3.fits");
	expect("numbered gz", fname_numbered("a.tar.gz", 2), "a-2.tar.gz");
	expect("numbered bare", fname_numbered("x", 12), "x-12");
	expect("numbered empty", fname_numbered("", 1), "-1");
	expect("ext replace", fname_with_extension("d/spec01-cutout.fits", "text/csv", true), "d/spec01-cutout.csv");
	expect("ext params", fname_with_extension("a.fits", "application/x-votable+xml;content=datalink", true),
	       "a.vot");
	expect("ext same", fname_with_extension("a.FITS", "image/fits", true), "a.FITS");
	expect("ext add", fname_with_extension("spec01", "text/csv", false), "spec01.csv");
	expect("ext keep", fname_with_extension("spec01.dat", "text/csv", false), "spec01.dat");
	expect("ext unknown", fname_with_extension("a.bin", "application/octet-stream", true), "a.bin");
	expect("ext dir dot", fname_with_extension("d.x/spec", "text/csv", false), "d.x/spec.csv");
	expect("ext hidden", fname_with_extension(".rc", "text/plain", true), ".rc.txt");
	/* the name a download gets for what arrived */
	expect("type png", fname_for_type("img08.fits", "image/png"), "img08.png");
	expect("type jpeg", fname_for_type("img_08.fits", "image/jpeg;charset=x"), "img_08.jpg");
	expect("type none", fname_for_type("getproduct", "application/fits"), "getproduct.fits");
	expect("type same", fname_for_type("a.FITS", "image/fits"), "a.FITS");
	expect("type alias", fname_for_type("a.fit", "application/fits"), "a.fit");
	expect("type jpeg alias", fname_for_type("a.jpeg", "image/jpeg"), "a.jpeg");
	expect("type vot", fname_for_type("r.xml", "application/x-votable+xml"), "r.xml");
	expect("type vot repl", fname_for_type("r.fits", "application/x-votable+xml"), "r.vot");
	expect("type generic", fname_for_type("t.csv", "text/plain"), "t.csv");
	expect("type generic add", fname_for_type("t", "text/plain"), "t.txt");
	expect("type xml generic", fname_for_type("t.vot", "text/xml"), "t.vot");
	expect("type gzip", fname_for_type("x.fits", "application/gzip"), "x.fits.gz");
	expect("type gz inside", fname_for_type("x.fits.gz", "image/fits"), "x.fits.gz");
	expect("type gz same", fname_for_type("x.fits.gz", "application/x-gzip"), "x.fits.gz");
	expect("type unknown ext", fname_for_type("x.dat", "image/png"), "x.dat");
	expect("type eso", fname_for_type("ADP.2017-01-18T11:54:03.123", "image/fits"),
	       "ADP.2017-01-18T11:54:03.123");
	expect("type unknown type", fname_for_type("x.fits", "application/octet-stream"), "x.fits");
	expect("type no type", fname_for_type("x.fits", NULL), "x.fits");
	expect("type pdf", fname_for_type("doc.html", "application/pdf"), "doc.pdf");
	expect("type hidden", fname_for_type(".rc", "image/png"), ".rc.png");

	printf("fname: %d checks, %d failures\n", checks, failures);
	return failures != 0;
}
