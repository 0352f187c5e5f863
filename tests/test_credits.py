"""Photo credits and captions: the agency conventions of the six languages, plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.credits import credit_after_alt, parse_credit, split_caption
from normalize.model import Credit

# (printed credit, text, photographer, source, supplier)
CREDITS = [
    # Photographer/Source/Supplier, "-" for unknown (dpa and partners).
    ("-/Kremlin/dpa", "-/Kremlin/dpa", None, "Kremlin", "dpa"),
    ("Steve Helber/AP/dpa", "Steve Helber/AP/dpa", "Steve Helber", "AP", "dpa"),
    ("Kay Nietfeld/dpa", "Kay Nietfeld/dpa", "Kay Nietfeld", None, "dpa"),
    ("Lukas Pichler/APA/dpa", "Lukas Pichler/APA/dpa", "Lukas Pichler", "APA", "dpa"),
    ("-/European Union/dpa", "-/European Union/dpa", None, "European Union", "dpa"),
    ("Ryan Walsh/The Canadian Press/AP/dpa", "Ryan Walsh/The Canadian Press/AP/dpa",
     "Ryan Walsh", "The Canadian Press/AP", "dpa"),
    ("Daniel Brunner/KEYSTONE/dpa", "Daniel Brunner/KEYSTONE/dpa", "Daniel Brunner", "KEYSTONE",
     "dpa"),
    ("-/dpa", "-/dpa", None, None, "dpa"),
    ("Handout/Reuters", "Handout/Reuters", None, None, "Reuters"),
    ("Divulgação/Aprosoja", "Divulgação/Aprosoja", None, "Aprosoja", None),
    ("Prefeitura de Manaus/Divulgação", "Prefeitura de Manaus/Divulgação", None,
     "Prefeitura de Manaus", None),
    ("AP/dpa", "AP/dpa", None, "AP", "dpa"),
    # Agency/Name and Name/Agency: the agency list decides which side is which.
    ("Europa Press/Eduardo Parra", "Europa Press/Eduardo Parra", "Eduardo Parra", None,
     "Europa Press"),
    ("Eduardo Parra/Europa Press", "Eduardo Parra/Europa Press", "Eduardo Parra", None,
     "Europa Press"),
    ("EFE/Chema Moya", "EFE/Chema Moya", "Chema Moya", None, "EFE"),
    ("EFE/Archivo", "EFE/Archivo", None, "Archivo", "EFE"),
    # Name (Agency), Name, Agency, Name via Agency.
    ("Eduardo Parra (Europa Press)", "Eduardo Parra (Europa Press)", "Eduardo Parra", None,
     "Europa Press"),
    ("Jane Doe, AFP", "Jane Doe, AFP", "Jane Doe", None, "AFP"),
    ("John Smith via Getty Images", "John Smith via Getty Images", "John Smith", None,
     "Getty Images"),
    # Bare agency, bare person, bare institution.
    ("Europa Press", "Europa Press", None, None, "Europa Press"),
    ("AFP", "AFP", None, None, "AFP"),
    ("EFE", "EFE", None, None, "EFE"),
    ("John Smith", "John Smith", "John Smith", None, None),
    ("Kremlin", "Kremlin", None, "Kremlin", None),
    ("Ministerio de Defensa", "Ministerio de Defensa", None, "Ministerio de Defensa", None),
    # Labels in the six languages.
    ("Photo: AFP", "AFP", None, None, "AFP"),
    ("Photo by Jane Doe/AP", "Jane Doe/AP", "Jane Doe", None, "AP"),
    ("Foto: Kay Nietfeld/dpa", "Kay Nietfeld/dpa", "Kay Nietfeld", None, "dpa"),
    ("Bild: picture alliance / dpa", "picture alliance / dpa", None, "picture alliance", "dpa"),
    ("Imagen: EFE/Chema Moya", "EFE/Chema Moya", "Chema Moya", None, "EFE"),
    ("Crédit : AFP", "AFP", None, None, "AFP"),
    ("Crédit photo : Ludovic Marin/AFP", "Ludovic Marin/AFP", "Ludovic Marin", None, "AFP"),
    ("Crédito: Reuters", "Reuters", None, None, "Reuters"),
    ("Foto di Mario Rossi", "Mario Rossi", "Mario Rossi", None, None),
    ("Foto: ANSA/Giuseppe Lami", "ANSA/Giuseppe Lami", "Giuseppe Lami", None, "ANSA"),
    ("Foto: Agência Brasil", "Agência Brasil", None, None, "Agência Brasil"),
    ("Fotos: Lusa", "Lusa", None, None, "Lusa"),
    ("© Reuters", "Reuters", None, None, "Reuters"),
    ("©2023 Reuters", "Reuters", None, None, "Reuters"),
    ("(c) dpa", "dpa", None, None, "dpa"),
    ("(Foto: Kay Nietfeld/dpa)", "Kay Nietfeld/dpa", "Kay Nietfeld", None, "dpa"),
    ("Photograph: Kirsty Wigglesworth/AP", "Kirsty Wigglesworth/AP", "Kirsty Wigglesworth", None,
     "AP"),
    # The same convention with dashes, as Europa Press's portal prints it.
    ("Eduardo Parra - Europa Press", "Eduardo Parra - Europa Press", "Eduardo Parra", None,
     "Europa Press"),
    # Labels beyond photo and ©: German, Finnish, Polish, and "Bild ©".
    ("Quelle: Anna Berger", "Anna Berger", "Anna Berger", None, None),
    ("Bildquelle: APA/Georg Hochmuth", "APA/Georg Hochmuth", "Georg Hochmuth", None, "APA"),
    ("Kuva: Lehtikuva", "Lehtikuva", None, "Lehtikuva", None),
    ("Źródło: PAP/Leszek Szymański", "PAP/Leszek Szymański", "Leszek Szymański", None, "PAP"),
    ("Bild © Anna Berger/Kurier", "Anna Berger/Kurier", "Anna Berger", None, "Kurier"),
    ("(Image credit: Harbour News)", "Harbour News", None, "Harbour News", None),
]


@pytest.mark.parametrize("printed, text, photographer, source, supplier", CREDITS)
def test_parse_credit(printed, text, photographer, source, supplier):
    assert parse_credit(printed) == Credit(text, photographer, source, supplier)


@pytest.mark.parametrize("blank", [None, "", "   ", "Foto:", "©", "-"])
def test_parse_credit_empty(blank):
    assert parse_credit(blank) is None


# (caption as printed, caption, credit text or None)
CAPTIONS = [
    # The seed: leading archive label and trailing dpa credit both go.
    ("Archive – Image du président biélorusse Alexandre Loukachenko et de son homologue russe "
     "Vladimir Poutine à Saint-Pétersbourg. – -/Kremlin/dpa",
     "Image du président biélorusse Alexandre Loukachenko et de son homologue russe Vladimir "
     "Poutine à Saint-Pétersbourg.", "-/Kremlin/dpa"),
    ("Bundeskanzler Scholz spricht im Bundestag. (Foto: Kay Nietfeld/dpa)",
     "Bundeskanzler Scholz spricht im Bundestag.", "Kay Nietfeld/dpa"),
    ("Bauarbeiter auf einer Brücke. Foto: Kay Nietfeld/dpa", "Bauarbeiter auf einer Brücke.",
     "Kay Nietfeld/dpa"),
    ("Scholz spricht. Kay Nietfeld/dpa", "Scholz spricht.", "Kay Nietfeld/dpa"),
    ("Protesters in Paris. Photo: AFP", "Protesters in Paris.", "AFP"),
    ("Flooded street in Valencia - Reuters", "Flooded street in Valencia", "Reuters"),
    ("Manifestación en Madrid | Foto: EFE", "Manifestación en Madrid", "EFE"),
    ("El rey Felipe VI en el Congreso. EFE/Chema Moya", "El rey Felipe VI en el Congreso.",
     "EFE/Chema Moya"),
    ("Archivo - Productos envasados en el lineal de un supermercado. - Eduardo Parra/Europa Press",
     "Productos envasados en el lineal de un supermercado.", "Eduardo Parra/Europa Press"),
    ("Le président à l'Élysée. Crédit : Ludovic Marin/AFP", "Le président à l'Élysée.",
     "Ludovic Marin/AFP"),
    ("Le président à l'Élysée. © AFP", "Le président à l'Élysée.", "AFP"),
    ("Il sindaco di Roma in Campidoglio - ANSA", "Il sindaco di Roma in Campidoglio", "ANSA"),
    ("Vertice Ue a Bruxelles. Foto di Mario Rossi", "Vertice Ue a Bruxelles.", "Mario Rossi"),
    ("Um comboio na estação de Santa Apolónia. Foto: Lusa",
     "Um comboio na estação de Santa Apolónia.", "Lusa"),
    ("Gado numa pastagem em Mato Grosso (Foto: Agência Brasil)",
     "Gado numa pastagem em Mato Grosso", "Agência Brasil"),
    ("Wohnhäuser in Wien. Bild: APA/Georg Hochmuth", "Wohnhäuser in Wien.",
     "APA/Georg Hochmuth"),
    ("Archivo - Vista general del hemiciclo del Congreso. - Eduardo Parra - Europa Press - "
     "Archivo", "Vista general del hemiciclo del Congreso.", "Eduardo Parra - Europa Press"),
    ("La ministra en el Senado (Archivo)", "La ministra en el Senado", None),
    ("Archiv - Der Reichstag in Berlin.", "Der Reichstag in Berlin.", None),
    ("Archive – L’hémicycle du Parlement européen.", "L’hémicycle du Parlement européen.", None),
    ("Foto: dpa", None, "dpa"),
    ("AFP", None, "AFP"),
    ("Archive", None, None),
    # After "©" the credit may start in lower case; a "©" left alone goes with its credit.
    ("Ziegel auf einer Baustelle. - © annab_ - stock.example.com", "Ziegel auf einer Baustelle.",
     "annab_ - stock.example.com"),
    ("Ziegel auf einer Baustelle. © Foto: Berger", "Ziegel auf einer Baustelle.", "Berger"),
    ("Das Kabinett bei seiner Klausurtagung© Bundesregierung/Anna Berger",
     "Das Kabinett bei seiner Klausurtagung", "Bundesregierung/Anna Berger"),
    # A caption that is only "Photographer/Outlet" is a credit.
    ("Anna Berger/Harbour Times", None, "Anna Berger/Harbour Times"),
    ("Rene Meyer. Photographer: Anna Berger/Getty Images Europe", "Rene Meyer.",
     "Anna Berger/Getty Images Europe"),
    # Brackets: square ones wrap a credit too; one the caption left open or closed goes.
    ("Harbour at dawn. [Photo: Reuters]", "Harbour at dawn.", "Reuters"),
    ("Der Hafen (Foto: Anna Berger/dpa))", "Der Hafen", "Anna Berger/dpa"),
    ("Der Hafen. (Foto: Anna Berger/dpa", "Der Hafen.", "Anna Berger/dpa"),
    # An agency in parentheses completes the labelled credit before it.
    ("Harbour (left) at dawn. Photo: Anna Berger (Reuters)", "Harbour (left) at dawn.",
     "Anna Berger (Reuters)"),
    ("Der Hafen im Winter. (Quelle: Berger/Unsplash/Verband)", "Der Hafen im Winter.",
     "Berger/Unsplash/Verband"),
    # Who took it, in parentheses after the last sentence: a person, or Name/Paper.
    ("The mayor opens the bridge. (Anna Berger/Harbour Times)", "The mayor opens the bridge.",
     "Anna Berger/Harbour Times"),
    ("La alcaldesa inaugura el puente. (Teresa Ruiz Vega)", "La alcaldesa inaugura el puente.",
     "Teresa Ruiz Vega"),
    ("The grid control center. Credit...Anna Berger/Associated Press",
     "The grid control center.", "Anna Berger/Associated Press"),
    # Prose that only looks like a credit stays caption.
    ("Una foto di famiglia al vertice", "Una foto di famiglia al vertice", None),
    ("The photos... were never shown", "The photos... were never shown", None),
    # A label opening sentences of caption is no credit's.
    ("Bild: A drone neared the carrier. Screenshot from a video",
     "Bild: A drone neared the carrier. Screenshot from a video", None),
    # Nothing but a stop is left of the caption.
    (". Imagen: Télam", None, "Télam"),
    ("Berlin - Bundestag stimmt ab", "Berlin - Bundestag stimmt ab", None),
    ("Crowds gather (left) near the square", "Crowds gather (left) near the square", None),
    ("Section (c) of the treaty", "Section (c) of the treaty", None),
    ('Honorarfrei bei Nennung "Bild: Sender/Anna Berger" (S2).',
     'Honorarfrei bei Nennung "Bild: Sender/Anna Berger" (S2).', None),
    ("Archivos secretos del Vaticano", "Archivos secretos del Vaticano", None),
    ("File photo of the 2019 summit", "File photo of the 2019 summit", None),
    # An acronym or a name inside the sentence, in parentheses, is caption.
    ("Die Direktorin des Welternährungsprogramms (WFP)",
     "Die Direktorin des Welternährungsprogramms (WFP)", None),
    ("Anna Berger (links) und Jonas Weber (rechts) beim Treffen.",
     "Anna Berger (links) und Jonas Weber (rechts) beim Treffen.", None),
    ("Der Minister mit (Jonas Weber) im Hafen", "Der Minister mit (Jonas Weber) im Hafen", None),
    # A label after a quote that closes the caption's last sentence.
    ("Ana Ruiz: 'We are back.' Photograph: Jonas Weber for the Harbour Times",
     "Ana Ruiz: 'We are back.'", "Jonas Weber for the Harbour Times"),
    # Labels of more languages: Portuguese, Russian, Chinese and Korean.
    ("O porto reabre Imagem: Divulgação/Porto", "O porto reabre", "Divulgação/Porto"),
    ("Фото: Reuters", None, "Reuters"),
    ("港口重新開放。 圖／港務局", "港口重新開放。", "港務局"),
    ("항구가 다시 열렸다. 사진=항만공사 제공", "항구가 다시 열렸다.", "항만공사 제공"),
    # Outlets' credits in parentheses or square brackets after the caption.
    ("The harbour reopens.(HT Photo)", "The harbour reopens.", "HT Photo"),
    ("The harbour reopens. (Jonas Weber for The Harbour Times)", "The harbour reopens.",
     "Jonas Weber for The Harbour Times"),
    ("Le port rouvre (Photo Jonas Weber. AFP)", "Le port rouvre", "Jonas Weber. AFP"),
    ("The harbour at dawn [Rex]", "The harbour at dawn", "Rex"),
    ("The harbour at dawn [sic]", "The harbour at dawn [sic]", None),
    ("港口重新開放。（取自港務局臉書）", "港口重新開放。", "港務局臉書"),
    ("港口重新開放。（資料照）", "港口重新開放。（資料照）", None),
    ("Crews at the harbour. Mandatory Credit: Jonas Weber-Harbour Times",
     "Crews at the harbour.", "Jonas Weber-Harbour Times"),
    # A credit after the first spaced slash; a spaced slash between places is caption.
    ("Die Intensivstation der Klinik / picture alliance", "Die Intensivstation der Klinik",
     "picture alliance"),
    ("The quay at dawn / Jonas Weber / AP / dpa", "The quay at dawn", "Jonas Weber / AP / dpa"),
    ("Paris / Berlin", "Paris / Berlin", None),
    ("Crews at the harbour (jweber/iStock)", "Crews at the harbour", "jweber/iStock"),
    ("Protesters arrive via the bridge", "Protesters arrive via the bridge", None),
    # A label word without its colon after the caption's last sentence.
    ("Le feu a pris à 17 h. Les habitants sont relogés. Photo VM /Jonas WEBER",
     "Le feu a pris à 17 h. Les habitants sont relogés.", "VM /Jonas WEBER"),
    ("Die Runde sprach über das Personal. Bild Anna Berger", "Die Runde sprach über das Personal.",
     "Anna Berger"),
    ("The race ended. Photo Finish was close.", "The race ended. Photo Finish was close.", None),
    ("He smiled. Photo Booth", "He smiled. Photo Booth", None),
    ("Image source: harbour.example", None, "harbour.example"),
    ("Foto: © Harbour Images", None, "Harbour Images"),
    # More languages: Dutch, Hungarian, Romanian labels, Lithuanian's "photo" after the credit.
    ("Beeld: Pro Harbour", None, "Pro Harbour"),
    ("A kikötő. Fotó: MTI/Kovács Anna", "A kikötő.", "MTI/Kovács Anna"),
    ("Portul. Sursa foto: Agerpres", "Portul.", "Agerpres"),
    ("Uostas / J. Weberis/LRT nuotr.", "Uostas", "J. Weberis/LRT nuotr."),
    ("Foto. Cortesía", None, "Cortesía"),
    ("(All photos: Harbour staff)", None, "Harbour staff"),
    ("Instagram (Screenshot)", None, "Instagram (Screenshot)"),
    ("The mayor on the quay (screenshot)", "The mayor on the quay (screenshot)", None),
    ("Me gusta la foto. Cortesía del museo", "Me gusta la foto. Cortesía del museo", None),
    # A "caption" that is nothing but a credit.
    ("Reprodução", None, "Reprodução"),
    ("Jonas Weber via Getty Images", None, "Jonas Weber via Getty Images"),
]


@pytest.mark.parametrize("printed, caption, credit_text", CAPTIONS)
def test_split_caption(printed, caption, credit_text):
    got_caption, got_credit = split_caption(printed)
    assert got_caption == caption
    assert (got_credit.text if got_credit else None) == credit_text


def test_split_caption_structures_the_credit():
    _, credit = split_caption("Saint-Pétersbourg. – -/Kremlin/dpa")
    assert credit == Credit("-/Kremlin/dpa", None, "Kremlin", "dpa")


def test_split_caption_empty():
    assert split_caption(None) == (None, None)
    assert split_caption("  ") == (None, None)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text()))
def test_parse_credit_never_raises_and_reparses_to_itself(text):
    credit = parse_credit(text)
    assert credit is None or isinstance(credit, Credit)
    if credit is not None:
        assert credit.text and isinstance(credit.text, str)
        for value in (credit.photographer, credit.source, credit.supplier):
            assert value is None or isinstance(value, str)
        assert parse_credit(credit.text) == credit


_PIECES = st.sampled_from([
    "Archive –", "Archivo -", "Foto:", "Photo:", "©", "(c)", "(", ")", "|", "–", "-", "/",
    "dpa", "AFP", "Europa Press", "-/Kremlin/dpa", "Kay Nietfeld/dpa", "EFE/Chema Moya",
    "Le président.", "Una foto di", "Scholz spricht.", "Berlin", "Madrid", "Foto di",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(), st.lists(_PIECES, max_size=8).map(" ".join)))
def test_split_caption_never_raises_and_is_stable(text):
    caption, credit = split_caption(text)
    assert caption is None or (isinstance(caption, str) and caption == caption.strip() != "")
    assert credit is None or isinstance(credit, Credit)
    assert split_caption(caption)[0] == caption


# --- the cheap tests split_caption runs before its costly searches ----------------------------

# Labels, separators and archive marks in odd cases: "ı" and "ſ" match "i" and "s" under
# IGNORECASE, "İ" lowers to two characters.
_ODD_CASE_PIECES = st.sampled_from([
    "Foto:", "FOTO :", "Bİld:", "bıld von", "PHOTO BY", "Photoſ:", "Picture by", "ımage by",
    "Imagen de", "crédıts:", "Credit...", "CRÉDİT…", "Copyright", "COPYRİGHT ©", "(C)", "©", "Ilustración:", "foto di",
    "Archivo", "ARCHİVE", "fıle", "-", "–", "—", "|", "(", ")", " ", "\u00a0", ".", "Kay Nietfeld",
    "dpa", "EFE", "Un puerto",
])


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.lists(_ODD_CASE_PIECES, max_size=8).map("".join)))
def test_caption_prechecks_never_hide_a_credit(text):
    """A caption the cheap tests pass over is one the full patterns find nothing in."""
    from normalize import credits

    if credits._LABEL.search(text):
        assert credits._may_hold_label(text)
    if credits._SEPARATOR.search(text) or credits._TRAILING_ARCHIVE.search(text):
        assert credits._may_hold_separator(text)


def test_parse_credit_of_a_non_string_is_none():
    # The parsed credits are memoized by text: a value that cannot be a key never gets there.
    assert parse_credit(["Kay Nietfeld/dpa"]) is None
    assert parse_credit("Kay Nietfeld/dpa") is parse_credit("Kay Nietfeld/dpa")


def test_a_label_saying_the_picture_illustrates_is_no_part_of_the_credit():
    assert parse_credit("Imagen ilustrativa: Cuartoscuro").text == "Cuartoscuro"


def test_an_agencys_photo_service_before_the_name_is_credit_shaped():
    from normalize.credits import is_credit_shaped

    assert is_credit_shaped("AP Photo/Jane Roe")
    assert is_credit_shaped("Reuters Photo/Jane Roe")
    assert not is_credit_shaped("Jane Roe/Harbour and the sea at dawn, seen from the quay wall")


def test_an_abbreviations_dot_ending_a_credit_is_kept():
    assert parse_credit("Warner Bros.").text == "Warner Bros."
    assert parse_credit("Foto: Acme Inc.").text == "Acme Inc."
    assert parse_credit("Reuters.").text == "Reuters"


@pytest.mark.parametrize("caption, alt, split", [
    ("Trybunał Konstytucyjny / Shutterstock", "Trybunał Konstytucyjny",
     ("Trybunał Konstytucyjny", "Shutterstock")),
    ("Harbour at dawn - Ana Ruiz", " Harbour at  dawn", ("Harbour at dawn", "Ana Ruiz")),
    # the alt text only opens the caption, or what follows is more caption
    ("Cranes at work / Ana Ruiz", "Cranes", None),
    ("Cranes / They unloaded the first ship in two months.", "Cranes", None),
    ("Cranes at work", "Cranes at work", None),
    ("Cranes at work / AFP", None, None),
])
def test_a_credit_after_the_pictures_alt_text(caption, alt, split):
    assert credit_after_alt(caption, alt) == split
