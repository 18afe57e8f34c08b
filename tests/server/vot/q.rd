<?xml version="1.0" encoding="utf-8"?>
<!-- The vo-tools test catalogue: vot.cat (100,000 deterministic rows) and
vot.small (5 hand-written rows), vot.astral (3000 rows of names with
astral-plane characters).  The data come from mkdata.py, which
scripts/vo-test-server runs into data/ before `dachs imp`.  See
tests/server/README for the exact contents. -->
<resource schema="vot" resdir=".">
  <meta name="title">vo-tools test catalogue</meta>
  <meta name="creationDate">2024-06-11T00:00:00Z</meta>
  <meta name="description">Deterministic synthetic data for the vo-tools
    test suite: a 100,000-row catalogue and a 5-row table for exact-output
    tests.</meta>
  <meta name="subject">catalogs</meta>
  <meta name="creator.name">vo-tools</meta>
  <meta name="contentLevel">Research</meta>
  <meta name="type">Catalog</meta>

  <table id="cat" onDisk="True" adql="True" mixin="//scs#pgs-pos-index">
    <meta name="description">Synthetic catalogue: 100,000 rows, uniform on
      the sky, with proper motions, magnitudes, NULLs and UTF-8 names.</meta>
    <primary>id</primary>
    <stc>Position ICRS Epoch J2000.0 "ra" "dec"</stc>
    <column name="id" type="bigint" ucd="meta.id;meta.main" required="True"
      tablehead="Id" description="Row identifier, 1..100000" verbLevel="1"/>
    <column name="ra" type="double precision" unit="deg"
      ucd="pos.eq.ra;meta.main" required="True" tablehead="RA"
      description="ICRS right ascension" verbLevel="1"/>
    <column name="dec" type="double precision" unit="deg"
      ucd="pos.eq.dec;meta.main" required="True" tablehead="Dec"
      description="ICRS declination" verbLevel="1"/>
    <column name="pmra" type="real" unit="mas/yr" ucd="pos.pm;pos.eq.ra"
      tablehead="PM RA" description="Proper motion in RA (times cos dec)"
      verbLevel="1"/>
    <column name="pmdec" type="real" unit="mas/yr" ucd="pos.pm;pos.eq.dec"
      tablehead="PM Dec" description="Proper motion in Dec" verbLevel="1"/>
    <column name="bmag" type="real" unit="mag" ucd="phot.mag;em.opt.B"
      tablehead="B" description="B magnitude" verbLevel="1"/>
    <column name="vmag" type="real" unit="mag" ucd="phot.mag;em.opt.V"
      tablehead="V" description="V magnitude" verbLevel="1"/>
    <column name="name" type="unicode" ucd="meta.id"
      tablehead="Name" description="A UTF-8 name" verbLevel="1"/>
    <column name="flag" type="boolean" ucd="meta.code"
      tablehead="Flag" description="A boolean flag" verbLevel="1"/>
    <column name="cls" type="smallint" ucd="src.class"
      tablehead="Class" description="Object class, 0..5 (-1 in row 5)"
      verbLevel="1">
      <values nullLiteral="-32768"/>
    </column>
    <column name="nobs" type="integer" ucd="meta.number"
      tablehead="N obs" description="Number of observations" verbLevel="1">
      <values nullLiteral="-2147483648"/>
    </column>
    <column name="epoch_mjd" type="double precision" unit="d"
      ucd="time.epoch" tablehead="Epoch"
      description="Epoch of observation (MJD)" verbLevel="1"/>
    <column name="obs_time" type="timestamp" ucd="time.epoch;obs"
      tablehead="Obs. time" description="Epoch of observation as a timestamp"
      verbLevel="1"/>
    <column name="flux3" type="real[3]" unit="mJy" ucd="phot.flux"
      tablehead="Fluxes" description="Three fluxes" verbLevel="1"/>
  </table>

  <table id="small" onDisk="True" adql="True">
    <meta name="description">Five hand-written rows for exact-output
      tests.</meta>
    <primary>id</primary>
    <column name="id" type="integer" ucd="meta.id;meta.main" required="True"
      description="Row identifier"/>
    <column name="name" type="unicode" ucd="meta.id" description="A name"/>
    <column name="ra" type="double precision" unit="deg"
      ucd="pos.eq.ra;meta.main" description="ICRS right ascension"/>
    <column name="dec" type="double precision" unit="deg"
      ucd="pos.eq.dec;meta.main" description="ICRS declination"/>
    <column name="mag" type="real" unit="mag" ucd="phot.mag;em.opt.V"
      description="V magnitude"/>
    <column name="flag" type="boolean" ucd="meta.code" description="A flag"/>
    <column name="n" type="integer" ucd="meta.number" description="A count">
      <values nullLiteral="-2147483648"/>
    </column>
    <column name="t" type="timestamp" ucd="time.epoch" description="A time"/>
    <column name="vec" type="real[3]" ucd="phys.veloc" unit="km/s"
      description="A 3-vector"/>
  </table>

  <table id="astral" onDisk="True" adql="True">
    <meta name="description">Names with characters outside the Basic
      Multilingual Plane (emoji, mathematical letters), which UTF-16
      writes as surrogate pairs; see mkdata.py for the exact rows.</meta>
    <primary>id</primary>
    <column name="id" type="integer" ucd="meta.id;meta.main" required="True"
      description="Row identifier, 1..3000"/>
    <column name="name" type="unicode" ucd="meta.id"
      description="A name, often with astral-plane characters"/>
    <column name="n" type="integer" ucd="meta.number"
      description="Three times id">
      <values nullLiteral="-2147483648"/>
    </column>
    <column name="tag" type="text" ucd="meta.note"
      description="t followed by id"/>
  </table>

  <STREAM id="jsonlGrammar">
    <embeddedGrammar>
      <iterator>
        <code>
          import json
          with open(self.sourceToken, encoding="utf-8") as f:
            for line in f:
              yield json.loads(line)
        </code>
      </iterator>
    </embeddedGrammar>
  </STREAM>

  <data id="import_cat">
    <sources>data/cat.jsonl</sources>
    <FEED source="jsonlGrammar"/>
    <make table="cat">
      <rowmaker idmaps="*"/>
    </make>
  </data>

  <data id="import_astral">
    <sources>data/astral.jsonl</sources>
    <FEED source="jsonlGrammar"/>
    <make table="astral">
      <rowmaker idmaps="*"/>
    </make>
  </data>

  <data id="import_small">
    <sources>data/small.jsonl</sources>
    <FEED source="jsonlGrammar"/>
    <make table="small">
      <rowmaker idmaps="*"/>
    </make>
  </data>
</resource>
