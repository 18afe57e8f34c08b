<?xml version="1.0" encoding="utf-8"?>
<!-- The vo-tools test images: img.main, 20 small FITS images published
through SIAP v1 (service i), ObsCore (collection vo-tools img) and a
DataLink/SODA service (dl).  The products' access paths are DataLink
documents.  mkdata.py writes the FITS files into data/; see
tests/server/README for exact contents. -->
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
      <meta name="idColumn">accref</meta>
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
    <column name="object" type="text" ucd="meta.id;src"
      tablehead="Object" description="Name of the field" verbLevel="15"/>
    <column name="exptime" type="real" unit="s" ucd="time.duration;obs.exposure"
      tablehead="Exp. time" description="Exposure time" verbLevel="15"/>
  </table>

  <coverage>
    <updater sourceTable="main"/>
  </coverage>

  <data id="import">
    <sources pattern="data/*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.main"</bind>
        <!-- not \dlMetaURI: the test server has no IVOA authority, so
          the DataLink IDs are the plain accrefs (img/data/imgNN.fits) -->
        <bind key="path">"\getConfig{web}{serverURL}/img/q/dl/dlmeta?ID="+urllib.parse.quote(accref)</bind>
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
        <map key="object">@OBJECT</map>
        <map key="exptime">float(@EXPTIME)</map>
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
    <!-- no publish elements: dachs pub refuses them without an IVOA
      authority; the service answers all the same -->
    <dbCore queriedTable="main">
      <condDesc original="//siap#protoInput"/>
      <condDesc original="//siap#humanInput"/>
    </dbCore>
  </service>

  <service id="dl" allowed="dlget,dlmeta">
    <meta name="title">vo-tools test images DataLink and SODA</meta>
    <meta name="description">DataLink documents for the vo-tools test
      images, with a SODA sync cutout service (POS, CIRCLE, POLYGON,
      PIXEL_n).</meta>
    <meta name="dlget.description">SODA cutouts of the vo-tools test
      images.</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#fits_genDesc" name="genFITSDesc">
        <bind key="accrefPrefix">'img/data'</bind>
        <bind key="descClass">DLFITSProductDescriptor</bind>
      </descriptorGenerator>
      <FEED source="//soda#fits_standardDLFuncs"/>
    </datalinkCore>
  </service>
</resource>
