<?xml version="1.0" encoding="utf-8"?>
<!-- wirefeed: shows an RSS 2.0 feed opened in a browser as a page of the site.
     Feed readers ignore it. Record text is written with value-of, so it is always escaped. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:media="http://search.yahoo.com/mrss/"
    exclude-result-prefixes="dc media">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>
  <xsl:param name="css" select="substring-before(/processing-instruction('xml-stylesheet'), 'rss.xsl')"/>
  <xsl:template match="/rss/channel">
    <html>
      <xsl:if test="language"><xsl:attribute name="lang"><xsl:value-of select="language"/></xsl:attribute></xsl:if>
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="title"/> (RSS)</title>
        <link rel="stylesheet" href="{concat(substring-after($css, 'href=&quot;'), 'site.css')}"/>
      </head>
      <body>
        <header class="masthead"><div class="wrap">
          <a class="brand" href="{link}"><xsl:value-of select="title"/></a>
        </div></header>
        <main class="wrap">
          <p class="meta">This is an RSS feed: copy its address into a feed reader to subscribe.</p>
          <h1 class="page-title"><xsl:value-of select="title"/></h1>
          <p class="meta"><xsl:value-of select="description"/></p>
          <ol class="items"><xsl:apply-templates select="item"/></ol>
        </main>
      </body>
    </html>
  </xsl:template>
  <xsl:template match="item">
    <li><article class="item">
      <xsl:variable name="image" select="(media:content[starts-with(@type, 'image/') or @medium = 'image']/@url | enclosure[starts-with(@type, 'image/')]/@url)[1]"/>
      <xsl:if test="$image">
        <figure class="picture">
          <img src="{$image}" alt="{(media:content/media:description | media:content/media:title)[1]}" loading="lazy"/>
          <xsl:if test="media:content/media:description">
            <figcaption><span class="caption"><xsl:value-of select="media:content/media:description"/></span>
              <xsl:if test="media:content/media:credit"><xsl:text> </xsl:text><span class="credit"><xsl:value-of select="media:content[1]/media:credit[last()]"/></span></xsl:if>
            </figcaption>
          </xsl:if>
        </figure>
      </xsl:if>
      <div class="text">
        <h2 class="headline"><a href="{link}"><xsl:value-of select="title"/></a></h2>
        <p class="meta">
          <xsl:if test="dc:creator"><span class="byline"><xsl:value-of select="dc:creator"/></span></xsl:if>
          <xsl:if test="pubDate"><span><xsl:value-of select="pubDate"/></span></xsl:if>
        </p>
      </div>
    </article></li>
  </xsl:template>
</xsl:stylesheet>
