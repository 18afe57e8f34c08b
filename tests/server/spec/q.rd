<?xml version="1.0" encoding="utf-8"?>
<!-- The vo-tools test spectra and spectral cubes.

spec.main: 10 one-dimensional spectra (//ssap#hcd: deprecated in favour
of //ssap#view, but a single table is simpler here), published through
SSAP (service ssa), ObsCore (collection vo-tools spec) and a DataLink/SODA
service (sdl) that serves them as SDM VOTables generated from the 1D FITS
files in data/, with BAND cutouts.  The spectra's products are those
SDM VOTables (\fullDLURL{sdl}), so SSAP's access reference leads to the
spectrum; ObsCore's access_url is the DataLink document instead.

spec.cubes: 2 spectral cubes (FITS), published through ObsCore and a
DataLink/SODA service (cdl) with //soda#fits_standardDLFuncs (BAND from
the WAVE axis) and a POL parameter for cubes with a STOKES axis (DaCHS
2.7's //soda has nothing for POL).  Their products are their DataLink
documents (\dlMetaURI{cdl}), as for the images.

IDs are DaCHS's standard publisher DIDs,
ivo://vo-tools.test/~?spec/data/NAME.fits.  mkdata.py writes the files;
see tests/server/README for the exact contents. -->
<resource schema="spec" resdir=".">
  <meta name="title">vo-tools test spectra and cubes</meta>
  <meta name="creationDate">2024-06-13T00:00:00Z</meta>
  <meta name="description">Deterministic synthetic spectra (SSAP,
    ObsCore, DataLink, SODA BAND cutouts of SDM VOTables) and spectral
    cubes (ObsCore, DataLink, SODA BAND and POL cutouts) for the vo-tools
    test suite.</meta>
  <meta name="subject">spectroscopy</meta>
  <meta name="creator.name">vo-tools</meta>
  <meta name="contentLevel">Research</meta>
  <meta name="type">Archive</meta>
  <meta name="facility">vo-tools synthetic</meta>
  <meta name="coverage.waveband">Optical</meta>
  <meta name="ssap.dataSource">artificial</meta>
  <meta name="ssap.creationType">archival</meta>
  <meta name="productType">spectrum</meta>
  <meta name="productType">cube</meta>

  <!-- ************************************************* spectra -->

  <table id="main" onDisk="True" adql="True">
    <meta name="description">10 synthetic 1D spectra on 6 fields.</meta>
    <meta name="_associatedDatalinkService">
      <meta name="serviceId">sdl</meta>
      <meta name="idColumn">ssa_pubDID</meta>
    </meta>
    <mixin
      fluxCalibration="ABSOLUTE"
      spectralCalibration="ABSOLUTE"
      fluxUnit="erg.s**-1.cm**-2.Angstrom**-1"
      spectralUnit="nm"
      spectralUCD="em.wl"
      instrument="vtspec"
      creator="vo-tools"
      collection="vo-tools spec"
      datasource="artificial"
      creationType="archival"
    >//ssap#hcd</mixin>
    <mixin>//ssap#simpleCoverage</mixin>
    <mixin
      calibLevel="2"
      collectionName="'vo-tools spec'"
      coverage="ssa_region"
      t_exptime="ssa_timeExt"
      accessURL="datalink"
      mime="'application/x-votable+xml;content=datalink'"
      facilityName="'vo-tools synthetic'"
    >//obscore#publishSSAPHCD</mixin>

    <column name="datalink" type="text"
      ucd="meta.ref.url"
      tablehead="Datalink"
      description="The DataLink document of this spectrum."
      verbLevel="15" displayHint="type=url">
      <property name="targetType"
       >application/x-votable+xml;content=datalink</property>
      <property name="targetTitle">Datalink</property>
    </column>
  </table>

  <data id="import">
    <sources pattern="data/spec*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.main"</bind>
        <!-- the product is the SDM VOTable made by sdl's dlget (the
          standard DaCHS idiom for spectra, see dachs start ssap) -->
        <bind key="path">\fullDLURL{sdl}</bind>
        <bind key="mime">"application/x-votable+xml"</bind>
        <!-- an estimate: the VOTable is made on the fly -->
        <bind key="fsize">17800+22*int(@NAXIS1)</bind>
        <!-- pre-computed by mkdata.py -->
        <bind key="preview">"spec/data/previews/"+accref.split("/")[-1][:-5]+".png"</bind>
        <bind key="preview_mime">"image/png"</bind>
      </rowfilter>
    </fitsProdGrammar>

    <make table="main">
      <rowmaker idmaps="*">
        <var key="specAx">getWCSAxis(@header_, 1)</var>
        <apply procDef="//ssap#setMeta">
          <bind key="pubDID">\standardPubDID</bind>
          <bind key="dstitle">"vo-tools %s %s"%(
            @OBJECT, @prodtblAccref.split("/")[-1][:-5])</bind>
          <bind key="targname">@OBJECT</bind>
          <bind key="alpha">@RA</bind>
          <bind key="delta">@DEC</bind>
          <bind key="aperture">2/3600.</bind>
          <bind key="dateObs">@DATE_OBS</bind>
          <bind key="timeExt">@EXPTIME</bind>
          <bind key="bandpass">"Optical"</bind>
          <!-- nm in the files, m in SSA -->
          <bind key="specstart">@specAx.pixToPhys(1)/1e9</bind>
          <bind key="specend">@specAx.pixToPhys(@specAx.axisLength)/1e9</bind>
          <bind key="length">@specAx.axisLength</bind>
          <!-- not the time of the import: the data must not change -->
          <bind key="pdate">datetime.datetime(2024, 6, 13)</bind>
        </apply>
        <apply name="fixSpecmid">
          <code>
            # //ssap#setMeta computes ssa_specmid as (end-start)/2
            vars["ssa_specmid"] = (vars["ssa_specstart"]+vars["ssa_specend"])/2
          </code>
        </apply>
        <map key="datalink">\dlMetaURI{sdl}</map>
      </rowmaker>
    </make>
  </data>

  <!-- one spectrum as an SDM table (for sdl) -->
  <table id="spectrum" onDisk="False">
    <mixin ssaTable="main"
      spectralDescription="Wavelength"
      fluxDescription="Flux density"
      >//ssap#sdm-instance</mixin>
    <meta name="description">A vo-tools test spectrum.</meta>
  </table>

  <data id="build_spectrum" auto="False">
    <embeddedGrammar>
      <iterator>
        <setup>
          <code>
            from gavo.utils import pyfits
          </code>
        </setup>
        <code>
          # the SSA row comes in as the source token
          path = os.path.join(base.getConfig("inputsDir"),
            self.sourceToken["accref"])
          with pyfits.open(path) as hdus:
            hdr, flux = hdus[0].header, hdus[0].data
            for i in range(len(flux)):
              yield {
                "spectral": round(
                  hdr["CRVAL1"]+(i+1-hdr["CRPIX1"])*hdr["CDELT1"], 6),
                "flux": float(flux[i])}
        </code>
      </iterator>
    </embeddedGrammar>
    <make table="spectrum">
      <parmaker>
        <apply procDef="//ssap#feedSSAToSDM"/>
      </parmaker>
    </make>
  </data>

  <service id="ssa" allowed="ssap.xml">
    <meta name="shortName">vt spec ssap</meta>
    <meta name="title">vo-tools test spectra SSAP</meta>
    <meta name="ssap.complianceLevel">full</meta>
    <meta name="ssap.testQuery">POS=10.5,-3.25&amp;SIZE=0.1</meta>
    <publish render="ssap.xml" sets="ivo_managed"/>
    <ssapCore queriedTable="main">
      <property key="previews">auto</property>
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>

  <service id="sdl" allowed="dlget,dlmeta">
    <meta name="title">vo-tools test spectra DataLink and SODA</meta>
    <meta name="shortName">vt spec dl</meta>
    <meta name="description">DataLink documents for the vo-tools test
      spectra, with a SODA sync service delivering them as SDM VOTables
      (BAND cutouts, FLUXCALIB, FORMAT).</meta>
    <meta name="dlget.description">SDM VOTables of the vo-tools test
      spectra, with BAND cutouts.</meta>
    <meta name="testQuery.ID">ivo://vo-tools.test/~?spec/data/spec01.fits</meta>
    <publish render="dlmeta" sets="ivo_managed"/>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#sdm_genDesc">
        <bind key="ssaTD">"\rdId#main"</bind>
      </descriptorGenerator>
      <dataFunction procDef="//soda#sdm_genData">
        <bind key="builder">"\rdId#build_spectrum"</bind>
      </dataFunction>
      <FEED source="//soda#sdm_plainfluxcalib"/>
      <FEED source="//soda#sdm_cutout"/>
      <FEED source="//soda#sdm_format"/>
    </datalinkCore>
  </service>

  <!-- ************************************************* cubes -->

  <table id="cubes" onDisk="True" mixin="//products#table" adql="True">
    <meta name="description">2 synthetic spectral cubes (RA, DEC, WAVE
      and RA, DEC, WAVE, STOKES).</meta>
    <meta name="_associatedDatalinkService">
      <meta name="serviceId">cdl</meta>
      <meta name="idColumn">pubdid</meta>
    </meta>
    <mixin
      productType="'cube'"
      calibLevel="2"
      collectionName="'vo-tools spec'"
      did="pubdid"
      title="title"
      targetName="object"
      ra="ra"
      dec="dec"
      fov="fov"
      coverage="coverage"
      tMin="t_min"
      tMax="t_max"
      expTime="exptime"
      emMin="em_min"
      emMax="em_max"
      emXel="em_xel"
      polStates="pol_states"
      polXel="pol_xel"
      sXel1="naxis1"
      sXel2="naxis2"
      sPixelScale="pixscale"
      sResolution="pixscale"
      oUCD="'phot.flux.density;em.wl'"
      emUCD="'em.wl'"
      facilityName="'vo-tools synthetic'"
      instrumentName="'vtifu'"
    >//obscore#publish</mixin>

    <column original="accref">
      <property name="targetType"
        >application/x-votable+xml;content=datalink</property>
      <property name="targetTitle">Datalink</property>
    </column>
    <column name="pubdid" type="text" ucd="meta.ref.ivoid"
      tablehead="PubDID" description="Publisher DID of the cube"
      verbLevel="15"/>
    <column name="title" type="text" ucd="meta.title;meta.dataset"
      tablehead="Title" description="Title of the cube" verbLevel="15"/>
    <column name="object" type="text" ucd="meta.id;src"
      tablehead="Object" description="Name of the field" verbLevel="15"/>
    <column name="ra" type="double precision" unit="deg"
      ucd="pos.eq.ra;meta.main" tablehead="RA"
      description="ICRS RA of the centre of the cube" verbLevel="1"/>
    <column name="dec" type="double precision" unit="deg"
      ucd="pos.eq.dec;meta.main" tablehead="Dec"
      description="ICRS Dec of the centre of the cube" verbLevel="1"/>
    <column name="fov" type="real" unit="deg" ucd="phys.angSize;instr.fov"
      tablehead="FoV" description="Width of the field" verbLevel="15"/>
    <column name="coverage" type="spoly" unit="deg"
      ucd="pos.outline;obs.field" tablehead="Coverage"
      description="Footprint of the cube (pixel edges)" verbLevel="30"/>
    <column name="t_min" type="double precision" unit="d"
      ucd="time.start;obs.exposure" tablehead="Start"
      description="Start of the exposure (MJD)" verbLevel="15"/>
    <column name="t_max" type="double precision" unit="d"
      ucd="time.end;obs.exposure" tablehead="End"
      description="End of the exposure (MJD)" verbLevel="15"/>
    <column name="exptime" type="real" unit="s"
      ucd="time.duration;obs.exposure" tablehead="Exp. time"
      description="Exposure time" verbLevel="15"/>
    <column name="em_min" type="double precision" unit="m"
      ucd="em.wl;stat.min" tablehead="λ min"
      description="Lower edge of the first spectral pixel" verbLevel="15"/>
    <column name="em_max" type="double precision" unit="m"
      ucd="em.wl;stat.max" tablehead="λ max"
      description="Upper edge of the last spectral pixel" verbLevel="15"/>
    <column name="em_xel" type="integer" ucd="meta.number"
      tablehead="#λ" description="Number of spectral pixels" verbLevel="15">
      <values nullLiteral="-1"/>
    </column>
    <column name="pol_states" type="text" ucd="meta.code;phys.polarization"
      tablehead="Pol." description="Polarization states (/I/Q/U/V/), NULL
      without a STOKES axis" verbLevel="15"/>
    <column name="pol_xel" type="integer" ucd="meta.number"
      tablehead="#pol" description="Number of polarization planes, NULL
      without a STOKES axis" verbLevel="15">
      <values nullLiteral="-1"/>
    </column>
    <column name="naxis1" type="integer" ucd="meta.number"
      tablehead="NAXIS1" description="Pixels along RA" verbLevel="15">
      <values nullLiteral="-1"/>
    </column>
    <column name="naxis2" type="integer" ucd="meta.number"
      tablehead="NAXIS2" description="Pixels along Dec" verbLevel="15">
      <values nullLiteral="-1"/>
    </column>
    <column name="pixscale" type="real" unit="arcsec"
      ucd="instr.scale" tablehead="Scale"
      description="Spatial pixel size" verbLevel="15"/>
  </table>

  <data id="import_cubes">
    <sources pattern="data/cube_*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.cubes"</bind>
        <!-- the product is the DataLink document, as for the images -->
        <bind key="path">\dlMetaURI{cdl}</bind>
        <bind key="mime">'application/x-votable+xml;content=datalink'</bind>
        <bind key="fsize">10000</bind>
        <bind key="preview">"spec/data/previews/"+accref.split("/")[-1][:-5]+".png"</bind>
        <bind key="preview_mime">'image/png'</bind>
      </rowfilter>
    </fitsProdGrammar>

    <make table="cubes">
      <rowmaker idmaps="*">
        <apply name="cubeMeta">
          <setup>
            <code>
              from astropy import wcs as apwcs
              STOKES = {1: "I", 2: "Q", 3: "U", 4: "V"}
            </code>
          </setup>
          <code>
            hdr = vars["header_"]
            nx, ny = hdr["NAXIS1"], hdr["NAXIS2"]
            sky = apwcs.WCS(hdr).celestial
            ra, dec = sky.all_pix2world([[(nx-1)/2, (ny-1)/2]], 0)[0]
            vars["ra"], vars["dec"] = round(float(ra), 10), round(float(dec), 10)
            vars["coverage"] = pgsphere.SPoly([
              pgsphere.SPoint.fromDegrees(float(a), float(d))
              for a, d in sky.calc_footprint(axes=(nx, ny), center=False)])
            vars["naxis1"], vars["naxis2"] = nx, ny
            vars["fov"] = nx*abs(hdr["CDELT1"])
            vars["pixscale"] = abs(hdr["CDELT1"])*3600

            wave = getWCSAxis(hdr, 3)
            toM = base.getSpecConverter(hdr["CUNIT3"], "m")
            edges = [toM(wave.pixToPhys(0.5)),
              toM(wave.pixToPhys(wave.axisLength+0.5))]
            vars["em_min"], vars["em_max"] = min(edges), max(edges)
            vars["em_xel"] = wave.axisLength

            vars["pol_states"] = vars["pol_xel"] = None
            if hdr["NAXIS"]>3 and hdr.get("CTYPE4", "").strip()=="STOKES":
              pol = getWCSAxis(hdr, 4)
              states = [STOKES[int(round(pol.pixToPhys(i)))]
                for i in range(1, pol.axisLength+1)]
              vars["pol_states"] = "/"+"/".join(sorted(states))+"/"
              vars["pol_xel"] = pol.axisLength

            vars["t_min"] = dateTimeToMJD(parseTimestamp(hdr["DATE-OBS"]))
            vars["exptime"] = float(hdr["EXPTIME"])
            vars["t_max"] = vars["t_min"]+vars["exptime"]/86400.
            vars["object"] = hdr["OBJECT"]
            vars["title"] = "vo-tools %s %s"%(hdr["OBJECT"],
              vars["prodtblAccref"].split("/")[-1][:-5])
          </code>
        </apply>
        <map key="pubdid">\standardPubDID</map>
      </rowmaker>
    </make>
  </data>

  <service id="cdl" allowed="dlget,dlmeta">
    <meta name="title">vo-tools test cubes DataLink and SODA</meta>
    <meta name="shortName">vt cube dl</meta>
    <meta name="description">DataLink documents for the vo-tools test
      spectral cubes, with a SODA sync cutout service (BAND, POL, POS,
      CIRCLE, POLYGON, PIXEL_n, ...).</meta>
    <meta name="dlget.description">SODA cutouts of the vo-tools test
      spectral cubes.</meta>
    <meta name="testQuery.ID">ivo://vo-tools.test/~?spec/data/cube_b.fits</meta>
    <publish render="dlmeta" sets="ivo_managed"/>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#fits_genDesc" name="genFITSDesc">
        <bind key="accrefPrefix">'spec/data/cube'</bind>
        <bind key="descClass">DLFITSProductDescriptor</bind>
      </descriptorGenerator>

      <!-- SODA POL for cubes with a STOKES axis (DaCHS 2.7's //soda has
        nothing for it).  makePOLSlice only adds a slice (a contiguous range
        of planes) that //soda#fits_doWCSCutout in fits_standardDLFuncs
        carries out; like fits_makeBANDSlice, it must run after
        fits_makeHDUList (the first data function must create the data) and
        before doWCSCutout, hence makeHDUList is taken out of the FEED and
        put in front here. -->
      <dataFunction procDef="//soda#fits_makeHDUList" name="makeHDUList"/>
      <metaMaker name="makePOLMeta">
        <setup>
          <code>
            from gavo.utils import fitstools
            # FITS Stokes axis values (Greisen and Calabretta 2002)
            STOKES = {1: "I", 2: "Q", 3: "U", 4: "V", -1: "RR", -2: "LL",
              -3: "RL", -4: "LR", -5: "XX", -6: "YY", -7: "XY", -8: "YX"}
          </code>
        </setup>
        <code>
          hdr = descriptor.hdr
          for axis in range(1, hdr["NAXIS"]+1):
            if hdr.get("CTYPE%d"%axis, "").strip()=="STOKES":
              break
          else:
            return
          trans = fitstools.WCSAxis.fromHeader(hdr, axis)
          descriptor.polAxis = axis
          descriptor.polPixels = {}
          for pix in range(1, trans.axisLength+1):
            state = STOKES.get(int(round(trans.pixToPhys(pix))))
            if state:
              descriptor.polPixels[state] = pix
          yield MS(InputKey, name="POL", type="text",
            ucd="meta.code;phys.polarization",
            multiplicity="multiple",
            description="Polarization states to keep (a contiguous range of"
              " the cube's planes)",
            values=MS(Values, options=[MS(Option, content_=s)
              for s, _ in sorted(descriptor.polPixels.items(),
                key=lambda p: p[1])]))
        </code>
      </metaMaker>
      <dataFunction name="makePOLSlice">
        <code>
          states = args.get("POL")
          if not states:
            return
          if isinstance(states, str):
            states = [states]
          if not hasattr(descriptor, "polAxis"):
            raise base.ValidationError("This dataset has no polarization"
              " axis", "POL")
          pixels = sorted(set(descriptor.polPixels[s] for s in states))
          if pixels[-1]-pixels[0]+1!=len(pixels):
            raise base.ValidationError("Only contiguous ranges of"
              " polarization planes can be cut out here (the planes are %s)"%(
                " ".join(sorted(descriptor.polPixels,
                  key=descriptor.polPixels.get))), "POL")
          descriptor.changingAxis(descriptor.polAxis, "POL")
          # fits_doWCSCutout takes a slice with lower==upper for "empty";
          # cutoutFITS truncates the upper limit, so +0.5 still gives one plane
          descriptor.slices.append((descriptor.polAxis, pixels[0],
            pixels[-1] if len(pixels)>1 else pixels[0]+0.5))
        </code>
      </dataFunction>

      <FEED source="//soda#fits_standardDLFuncs" spectralAxis="3">
        <PRUNE name="makeHDUList"/>
      </FEED>
    </datalinkCore>
  </service>
</resource>
