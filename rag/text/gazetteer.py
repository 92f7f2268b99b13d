"""Small closed vocabularies the answer-type checks need: country names and the words that make a
name an organisation rather than a person. Lower case; multi-word names as token tuples."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


COUNTRIES = _words(
    """afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan bahamas bahrain
    bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana brazil brunei bulgaria burkina
    burundi cambodia cameroon canada chad chile china colombia comoros congo croatia cuba cyprus czechia czech
    denmark djibouti dominica ecuador egypt eritrea estonia eswatini ethiopia fiji finland france gabon gambia
    georgia germany ghana greece grenada guatemala guinea guyana haiti honduras hungary iceland india indonesia iran
    iraq ireland israel italy jamaica japan jordan kazakhstan kenya kiribati korea kosovo kuwait kyrgyzstan laos
    latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg madagascar malawi malaysia maldives mali
    malta mauritania mauritius mexico micronesia moldova monaco mongolia montenegro morocco mozambique myanmar
    namibia nauru nepal netherlands nicaragua niger nigeria norway oman pakistan palau palestine panama paraguay peru
    philippines poland portugal qatar romania russia rwanda samoa senegal serbia seychelles singapore slovakia
    slovenia somalia spain sudan suriname sweden switzerland syria taiwan tajikistan tanzania thailand togo tonga
    tunisia turkey turkmenistan tuvalu uganda ukraine uruguay uzbekistan vanuatu vatican venezuela vietnam yemen
    zambia zimbabwe america britain england scotland wales uk usa us uae"""
)
# Adjectives of nationality, read as their country ("the American plan" is about the US); not the
# ones that mostly name a language ("in English", "in French").
DEMONYMS = {
    "american": "us", "chinese": "china", "british": "uk", "korean": "korea", "japanese": "japan",
    "indian": "india", "german": "germany", "russian": "russia", "brazilian": "brazil", "canadian": "canada",
    "australian": "australia", "italian": "italy", "mexican": "mexico", "israeli": "israel",
    "saudi": "saudi arabia", "emirati": "uae", "taiwanese": "taiwan", "vietnamese": "vietnam",
    "indonesian": "indonesia",
}  # fmt: skip
# Capitals that stand for their government ("Beijing's plan", "Washington's AI policy").
CAPITALS = {
    "beijing": "china", "washington": "us", "moscow": "russia", "london": "uk", "tokyo": "japan", "seoul": "korea",
    "delhi": "india", "paris": "france", "berlin": "germany", "ottawa": "canada", "canberra": "australia",
    "taipei": "taiwan", "pyongyang": "korea", "tehran": "iran", "kyiv": "ukraine", "brasilia": "brazil",
}  # fmt: skip
# Words that stand for a country other than its name: its people's and its capital's.
COUNTRY_WORDS = {**DEMONYMS, **CAPITALS}
# Two-word country names, matched on consecutive tokens (as the tokenizer writes them: "states" is
# "state").
COUNTRY_PAIRS = frozenset(
    {("united", "state"), ("united", "kingdom"), ("south", "korea"), ("north", "korea"), ("new", "zealand"),
     ("saudi", "arabia"), ("south", "africa"), ("sri", "lanka"), ("costa", "rica"), ("el", "salvador")}
)  # fmt: skip
# Other spellings of one country, written as the first.
COUNTRY_ALIASES = {"america": "us", "usa": "us", "united state": "us", "britain": "uk", "united kingdom": "uk"}
ORGANISATION_WORDS = _words(
    """agency association bank board bureau centre center commission committee company compact conference council
    court department dialogue forum foundation fund group house institute institution league ministry nations news
    office organisation organization parliament party school senate society summit union university"""
)
# Words that name a document, a programme or a region rather than a person ("Action Plan", "Global South").
NON_PERSON_WORDS = _words(
    """act action agenda ai bill compact declaration framework global initiative law plan pact policy principles
    process programme program report south north east west strategy treaty"""
)
MONTHS = _words("january february march april may june july august september october november december")
# Months that are also common words ("it may", "they march"): months only when written capitalised.
AMBIGUOUS_MONTHS = frozenset({"may", "march"})
# Words that qualify what "how many" counts rather than name it ("how many new members").
COUNT_MODIFIERS = _words(
    """new old other more different major key top large small big senior junior foreign local national
    international global regional public private former current additional separate"""
)
# International bodies and technology companies that casual questions write in lower case ("what
# does the eu ai act require", "what did openai say"): names, so a corpus that never uses them
# cannot answer about them. Words that are mostly ordinary English are left out ("meta", "apple").
KNOWN_NAMES = _words(
    """eu nato oecd wto imf asean brics unesco itu apec g7 g20 openai nvidia google microsoft anthropic deepseek
    baidu alibaba tencent huawei ibm intel amd tsmc samsung european african asian xi jinping biden trump putin
    modi macron sunak starmer guterres obama bletchley hiroshima davos"""
)
# Offices whose holder a question asks about ("did the un secretary-general endorse it", "what did
# the president say"): as much a name as the person's, so a corpus that never uses the word cannot
# be about its holder.
ROLE_WORDS = _words(
    """secretary president minister premier chairman chairwoman chairperson ceo ambassador chancellor director
    dean professor spokesperson spokesman spokeswoman governor senator mayor commissioner"""
)
# Titles and occupations that answer "what position does the author hold": the offices above and the
# jobs a byline or an editor's note gives.
TITLE_WORDS = ROLE_WORDS | _words(
    """lecturer researcher fellow consultant chair founder scientist analyst economist journalist
    correspondent officer adviser advisor head diplomat lawyer engineer reporter columnist envoy"""
)
