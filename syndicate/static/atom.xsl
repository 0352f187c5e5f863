<?xml version="1.0" encoding="utf-8"?>
<!-- wirefeed: shows an Atom 1.0 feed opened in a browser as a page of the site.
     Feed readers ignore it. Record text is written with value-of, so it is always escaped. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:a="http://www.w3.org/2005/Atom"
    xmlns:media="http://search.yahoo.com/mrss/"
    exclude-result-prefixes="a media">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>
  <xsl:param name="css" select="substring-before(/processing-instruction('xml-stylesheet'), 'atom.xsl')"/>
  <xsl:template match="/a:feed">
    <html>
      <xsl:if test="@xml:lang"><xsl:attribute name="lang"><xsl:value-of select="@xml:lang"/></xsl:attribute></xsl:if>
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="a:title"/> (Atom)</title>
        <link rel="stylesheet" href="{concat(substring-after($css, 'href=&quot;'), 'site.css')}"/>
      </head>
      <body>
        <header class="masthead"><div class="wrap">
          <a class="brand" href="{a:link[@rel='alternate']/@href}"><xsl:value-of select="a:title"/></a>
        </div></header>
        <main class="wrap">
          <p class="meta">This is an Atom feed: copy its address into a feed reader to subscribe.</p>
          <h1 class="page-title"><xsl:value-of select="a:title"/></h1>
          <p class="meta"><xsl:value-of select="a:subtitle"/></p>
          <ol class="items"><xsl:apply-templates select="a:entry"/></ol>
        </main>
      </body>
    </html>
  </xsl:template>
  <xsl:template match="a:entry">
    <li><article class="item">
      <xsl:if test="@xml:lang"><xsl:attribute name="lang"><xsl:value-of select="@xml:lang"/></xsl:attribute></xsl:if>
      <xsl:variable name="image" select="(media:content[starts-with(@type, 'image/') or @medium = 'image']/@url | a:link[@rel='enclosure'][starts-with(@type, 'image/')]/@href)[1]"/>
      <xsl:if test="$image">
        <figure class="picture">
          <img src="{$image}" alt="{(media:content/media:description | a:title)[1]}" loading="lazy"/>
          <xsl:if test="media:content/media:description">
            <figcaption><span class="caption"><xsl:value-of select="media:content/media:description"/></span>
              <xsl:if test="media:content/media:credit"><xsl:text> </xsl:text><span class="credit"><xsl:value-of select="media:content[1]/media:credit[last()]"/></span></xsl:if>
            </figcaption>
          </xsl:if>
        </figure>
      </xsl:if>
      <div class="text">
        <h2 class="headline"><a href="{a:link[@rel='alternate']/@href}"><xsl:value-of select="a:title"/></a></h2>
        <p class="meta">
          <xsl:if test="a:author/a:name"><span class="byline"><xsl:value-of select="a:author/a:name"/></span></xsl:if>
          <xsl:if test="a:updated"><span><xsl:value-of select="a:updated"/></span></xsl:if>
        </p>
        <xsl:if test="a:summary"><p class="summary"><xsl:value-of select="a:summary"/></p></xsl:if>
      </div>
    </article></li>
  </xsl:template>
</xsl:stylesheet>
