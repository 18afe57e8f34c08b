<?xml version="1.0" encoding="utf-8"?>
<!-- The vo-tools test images: img.main, 20 small FITS images published
through SIAP v1 (service i), ObsCore (collection vo-tools img) and a
DataLink/SODA service (dl); img.calframes, their calibration frames, which a
second DataLink service (cal) associates with each image, in the manner
of ESO's calselector.  The DataLink IDs are DaCHS's standard publisher
DIDs, ivo://vo-tools.test/~?img/data/imgNN.fits; the images' access paths
are their DataLink documents.  mkdata.py writes the FITS files into data/;
see tests/server/README for exact contents. -->
<resource schema="img" resdir=".">
  <meta name="title">vo-tools test images</meta>
  <meta name="creationDate">2024-06-12T00:00:00Z</meta>
  <meta name="description">Deterministic synthetic 64x64 FITS images with
    a TAN WCS for the vo-tools test suite, with SIAP, ObsCore, DataLink
    and SODA cutouts.</meta>
  <meta name="subject">images</meta>
  <meta name="creator.name">vo-tools</meta>
  <meta name="contentLevel">Research</meta>
  <meta name="type">Archive</meta>
  <meta name="facility">vo-tools synthetic</meta>

  <table id="main" onDisk="True" mixin="//siap#pgs" adql="True">
    <meta name="description">20 synthetic images, 4 filters on 5
      fields.</meta>
    <meta name="_associatedDatalinkService">
      <meta name="serviceId">dl</meta>
      <meta name="idColumn">pub_did</meta>
    </meta>
    <mixin
      calibLevel="2"
      collectionName="'vo-tools img'"
      targetName="object"
      expTime="exptime"
      facilityName="'vo-tools synthetic'"
      instrumentName="'vtcam'"
    >//obscore#publishSIAP</mixin>

    <column original="accref">
      <property name="targetType"
        >application/x-votable+xml;content=datalink</property>
      <property name="targetTitle">Datalink</property>
    </column>
    <!-- the DataLink ID of TAP results on img.main (accref comes out as
      a getproduct URL there, which the dl service would not take) -->
    <column name="pub_did" type="text" ucd="meta.ref.ivoid"
      tablehead="Pub. DID" description="Publisher dataset identifier, the
      DataLink ID" verbLevel="15"/>
    <column name="object" type="text" ucd="meta.id;src"
      tablehead="Object" description="Name of the field" verbLevel="15"/>
    <column name="exptime" type="real" unit="s" ucd="time.duration;obs.exposure"
      tablehead="Exp. time" description="Exposure time" verbLevel="15"/>
  </table>

  <table id="calframes" onDisk="True" mixin="//products#table" adql="True">
    <meta name="description">Calibration frames of the vo-tools test
      images (master bias and flat per filter, a bad-pixel mask); the
      DataLink service cal associates them with the images.</meta>
    <column name="caltype" type="text" ucd="meta.code.class"
      tablehead="Type" description="BIAS, FLAT or BPM (bad-pixel mask)"
      verbLevel="1"/>
    <column name="filter" type="text" ucd="instr.filter"
      tablehead="Filter" description="Filter (B, V, R, I; ANY for the mask)"
      verbLevel="1"/>
  </table>

  <coverage>
    <updater sourceTable="main"/>
  </coverage>

  <data id="import">
    <sources pattern="data/*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.main"</bind>
        <!-- the standard idiom: the product is the DataLink document of
          the image's publisher DID, dl/dlmeta?ID=ivo%3A%2F%2Fvo-tools.test...-->
        <bind key="path">\dlMetaURI{dl}</bind>
        <bind key="mime">'application/x-votable+xml;content=datalink'</bind>
        <bind key="fsize">10000</bind>
        <!-- pre-computed by mkdata.py: DaCHS's automatic previews do not
          work when the product path is a DataLink URL -->
        <bind key="preview">"img/data/previews/"+accref.split("/")[-1][:-5]+".png"</bind>
        <bind key="preview_mime">'image/png'</bind>
      </rowfilter>
    </fitsProdGrammar>

    <make table="main">
      <rowmaker>
        <apply procDef="//siap#setMeta">
          <bind key="dateObs">@DATE_OBS</bind>
          <bind key="bandpassId">@FILTER</bind>
          <bind key="bandpassUnit">"m"</bind>
          <bind key="bandpassRefval">float(@WAVELEN)</bind>
          <bind key="bandpassLo">float(@BANDLO)</bind>
          <bind key="bandpassHi">float(@BANDHI)</bind>
          <bind key="pixflags">"Z"</bind>
          <bind key="instrument">@INSTRUME</bind>
          <bind key="title">"vo-tools %s %s %s"%(
            @OBJECT, @FILTER, @prodtblAccref.split("/")[-1])</bind>
        </apply>
        <apply procDef="//siap#computePGS"/>
        <map key="pub_did">\standardPubDID</map>
        <map key="object">@OBJECT</map>
        <map key="exptime">float(@EXPTIME)</map>
      </rowmaker>
    </make>
  </data>

  <data id="import_cal">
    <sources pattern="data/cal/*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.calframes"</bind>
        <bind key="mime">'application/fits'</bind>
        <bind key="preview">None</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="calframes">
      <rowmaker idmaps="*">
        <map key="caltype">@CALTYPE</map>
        <map key="filter">@FILTER</map>
      </rowmaker>
    </make>
  </data>

  <service id="i" allowed="form,siap.xml">
    <meta name="shortName">vt img siap</meta>
    <meta name="title">vo-tools test images SIAP</meta>
    <meta name="sia.type">Pointed</meta>
    <meta name="testQuery.pos.ra">10.5</meta>
    <meta name="testQuery.pos.dec">-3.25</meta>
    <meta name="testQuery.size.ra">0.1</meta>
    <meta name="testQuery.size.dec">0.1</meta>
    <publish render="siap.xml" sets="ivo_managed"/>
    <publish render="form" sets="local"/>
    <dbCore queriedTable="main">
      <condDesc original="//siap#protoInput"/>
      <condDesc original="//siap#humanInput"/>
    </dbCore>
  </service>

  <service id="dl" allowed="dlget,dlmeta">
    <meta name="title">vo-tools test images DataLink and SODA</meta>
    <meta name="shortName">vt img dl</meta>
    <meta name="description">DataLink documents for the vo-tools test
      images, with a SODA sync cutout service (POS, CIRCLE, POLYGON,
      PIXEL_n) and links to each image's calibration association.</meta>
    <meta name="dlget.description">SODA cutouts of the vo-tools test
      images.</meta>
    <publish render="dlmeta" sets="ivo_managed"/>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#fits_genDesc" name="genFITSDesc">
        <bind key="accrefPrefix">'img/data/img'</bind>
        <bind key="descClass">DLFITSProductDescriptor</bind>
      </descriptorGenerator>
      <FEED source="//soda#fits_standardDLFuncs"/>

      <!-- the calibration association (service cal below), twice: once
        ESO-style with a custom semantics and plain VOTable content type
        (as ESO's calSelector_raw2master), once the standard way -->
      <metaMaker semantics="http://vo-tools.test/rdf/datalink#calibration_association">
        <setup><code>
          import urllib.parse
        </code></setup>
        <code>
          yield descriptor.makeLink(
            rd.getById("cal").getURL("dlmeta")+"?ID="
              +urllib.parse.quote(descriptor.pubDID, safe=""),
            contentType="application/x-votable+xml",
            description="Calibration frames associated with this image"
              " (bias, flat, bad-pixel mask), as a DataLink document")
        </code>
      </metaMaker>
      <metaMaker semantics="#calibration">
        <setup><code>
          import urllib.parse
        </code></setup>
        <code>
          yield descriptor.makeLink(
            rd.getById("cal").getURL("dlmeta")+"?ID="
              +urllib.parse.quote(descriptor.pubDID, safe=""),
            contentType="application/x-votable+xml;content=datalink",
            description="DataLink document of the calibration frames of"
              " this image")
        </code>
      </metaMaker>
    </datalinkCore>
  </service>

  <!-- a link of the cal service to a calibration frame (a product of
    img.calframes) -->
  <procDef type="metaMaker" id="calLink">
    <setup>
      <par key="calname" description="file name in data/cal, with
        FILTER for the image's filter"/>
      <par key="what" description="a description of the frame"/>
      <code>
        import os
        from gavo import base
        from gavo.protocols import products
      </code>
    </setup>
    <code>
      accref = "img/data/cal/"+calname.replace("FILTER", descriptor.filter)
      row = products.RAccref(accref).productsRow
      yield descriptor.makeLink(
        products.makeProductLink(accref),
        contentType=row["mime"],
        contentLength=os.path.getsize(os.path.join(
          base.getConfig("inputsDir"), row["accessPath"])),
        description=what.replace("FILTER", descriptor.filter))
    </code>
  </procDef>

  <!-- The calibration association of an image (its ID, as in dl): a
    DataLink document with #this (the image, through dl's dlget), #bias and
    #flat (the master frames of the image's filter) and #calibration (the
    bad-pixel mask shared by all), all application/fits from getproduct. -->
  <service id="cal" allowed="dlmeta">
    <meta name="title">vo-tools test images calibration association</meta>
    <meta name="description">For a vo-tools test image, the calibration
      frames to reduce it with.</meta>
    <datalinkCore>
      <descriptorGenerator>
        <code>
          desc = getFITSDescriptor(pubDID, accrefPrefix="img/data/img",
            cls=DLFITSProductDescriptor)
          if isinstance(desc, DLFITSProductDescriptor):
            # no automatic #this (through our own dlget) and #preview
            desc.suppressAutoLinks = True
            desc.filter = desc.hdr["FILTER"]
          return desc
        </code>
      </descriptorGenerator>

      <metaMaker semantics="#this">
        <setup><code>
          import urllib.parse
        </code></setup>
        <code>
          yield descriptor.makeLink(
            rd.getById("dl").getURL("dlget")+"?ID="
              +urllib.parse.quote(descriptor.pubDID),
            contentType="application/fits",
            contentLength=descriptor.estimateSize(),
            description="The science image")
        </code>
      </metaMaker>

      <metaMaker procDef="calLink" semantics="#bias">
        <bind key="calname">"bias_FILTER.fits"</bind>
        <bind key="what">"Master bias (filter FILTER)"</bind>
      </metaMaker>
      <metaMaker procDef="calLink" semantics="#flat">
        <bind key="calname">"flat_FILTER.fits"</bind>
        <bind key="what">"Master flat field (filter FILTER)"</bind>
      </metaMaker>
      <metaMaker procDef="calLink" semantics="#calibration">
        <bind key="calname">"bpm.fits"</bind>
        <bind key="what">"Bad-pixel mask (all filters)"</bind>
      </metaMaker>
    </datalinkCore>
  </service>
</resource>
