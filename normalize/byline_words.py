"""The words bylines print that name nobody: newsrooms, posts, and what byline boxes show
beside a name or instead of one (read by :mod:`normalize.bylines`)."""

from __future__ import annotations

# A newsroom, a desk or a wire: no person ("Redacción", "Staff", "Newsdesk").
NEWSROOM = {
    "redacción", "redaccion", "rédaction", "redaction", "redaktion", "redazione", "redação",
    "redacao", "redacção", "newsroom", "staff", "agencias", "agencies", "agences", "agenturen",
    "agenzie", "agências", "agencia", "agence", "agentur", "agenzia", "agência", "wire",
    "redakcja", "redactie", "redakce", "redakcia", "redaktori", "redaksi", "redaktionen",
    "wires", "desk", "editorial", "editors", "mesa", "web", "online", "digital",
    # A bureau, and other scripts' newsrooms: Greek "ΣΥΝΤΑΚΤΙΚΗ ΟΜΑΔΑ" (editorial team),
    # Hindi "वाराणसी ब्यूरो" (Varanasi bureau), Russian and Ukrainian "Редакция".
    "bureau", "συντακτικη", "σύνταξη", "συνταξη", "ब्यूरो", "редакция", "редакція",
    # "Newsdesk", "Zespół wPolityce" (Polish: the team), "Staff and wire reports".
    "newsdesk", "zespół", "reports", "report",
    # Radio-Canada's desks sign as "Zone Société", "Zone Justice et faits divers".
    "zone",
}
# Posts and roles printed beside a name ("Jane Doe, Senior Editor").
ROLES = {
    "correspondent", "corresponsal", "correspondant", "correspondante", "korrespondent",
    "korrespondentin", "corrispondente", "correspondente", "reporter", "reportera",
    "reporterin", "journalist", "journaliste", "periodista", "jornalista", "giornalista",
    "journalistin", "editor", "editora", "éditeur", "éditrice", "redakteur", "redakteurin",
    "redactor", "redactora", "rédacteur", "rédactrice", "redattore", "redattrice", "redator",
    "redatora", "writer", "columnist", "columnista", "chroniqueur", "chroniqueuse",
    "kolumnist", "kolumnistin", "colunista", "editorialista", "enviado", "enviada", "envoyé",
    "envoyée", "envoyés", "envoyées", "spéciaux", "spéciales", "inviato", "inviata", "sonderkorrespondent", "chief", "jefe", "jefa", "chef",
    "cheffe", "head", "bureau", "contributor", "colaborador", "colaboradora", "collaborateur",
    "collaboratrice", "mitarbeiter", "mitarbeiterin", "collaboratore", "collaboratrice",
    "analyst", "analista", "photographer", "fotógrafo", "fotógrafa", "photographe", "fotograf",
    "fotografin", "fotografo", "fotografa", "videographer", "producer", "productor",
    "special", "especial", "spécial", "speciale", "senior", "associate", "deputy", "adjunto",
    "contributing", "managing", "executive", "assistant", "freelance",
    "adjunta", "adjoint", "stellvertretender", "vice", "political", "economics", "sports",
    "science", "business", "health", "tech", "technology", "culture", "correspondents",
}

# What byline elements print beside or instead of a name: an "Edit" link for the site's
# editors, a "Follow" button, the author archive's link, a date's label, a label alone, and
# the content systems' default accounts (Joomla's "Super User", a government CMS's
# "publisher").
NOT_NAMES = {
    "edit", "follow", "follow author", "share", "shares", "teilen", "alle artikel",
    "all posts", "all articles", "archiv anzeigen", "no author", "unknown", "datum", "date",
    "publiziert", "published", "posted", "updated", "veröffentlicht", "text", "autor",
    "author", "fotos", "foto", "photo", "photos", "admin", "administrator", "webmaster",
    "wordpressadmin", "root", "stand", "super user", "publisher", "submitted",
    # A theme's placeholder left in the metadata: "name, email@gmail.com".
    "name", "your name",
    # An author box's links: "See All Articles", "View Author Page", "Posts", "Bio".
    "see all articles", "view author page", "view profile", "profile", "posts", "bio",
    # A byline box's buttons.
    "print", "drucken", "imprimer", "imprimir", "stampa", "email", "e-mail",
    # Chinese and Japanese labels alone ("<dt>著者</dt><dd>X</dd>"): author, writer, reporter.
    "著者", "作者", "筆者", "執筆", "執筆者", "执笔", "执笔者", "記者", "记者", "撰文",
    # The German and Polish papers' "red." (the newsroom, abbreviated); a picture's credit
    # alone ("Cortesía", "zvg": made available); an anonymous writer; a section's word.
    "red", "cortesía", "cortesia", "courtesy", "zvg", "anónimo", "anonimo", "anonymous",
    "anonym", "anonyme", "aktuell",
    # A picture's licence or an advertisement's label read for a byline.
    "public domain", "domena publiczna", "dominio público", "paid content", "sponsored",
    "sponsored content", "advertorial", "anzeige", "werbung", "publicidad",
    # The readers' letters page: "Letters (To The Editor)", "Leserbriefe".
    "letters", "leserbriefe",
}
