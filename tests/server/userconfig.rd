<?xml version="1.0" encoding="utf-8"?>
<!-- DaCHS site configuration of the vo-tools test server: vo-test-server
copies this to /var/gavo/etc/userconfig.rd.  Elements missing here fall
back to DaCHS's own //userconfig. -->
<resource schema="__system">
  <STREAM id="tapexamples">
    <meta name="_example" title="Cone around Åström">
      Rows of :taptable:`vot.cat` within 1 degree of (10.5, -3.25):

      .. tapquery::

        SELECT id, ra, dec, name FROM vot.cat
        WHERE 1=CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 10.5, -3.25, 1))
    </meta>
    <meta name="_example" title="Brightest stars">
      The ten brightest stars of :taptable:`vot.cat`:

      .. tapquery::

        SELECT TOP 10 id, vmag, name FROM vot.cat
        WHERE vmag IS NOT NULL ORDER BY vmag
    </meta>
  </STREAM>
</resource>
