"""Weak signals of text addressed to the model, summed per sentence: the guardrail's second detector.

The patterns in ``injection_patterns`` each recognise one phrasing. Jailbreaks in the wild rarely
repeat a phrasing, but they share a structure: they talk *to the model* ("you are now", "respond
as", "stay in character", "before you answer"), about *its* rules and output ("your programming",
"the report must", "say that"), claim it is unrestricted ("no filters", "developer mode",
"amoral"), invoke an authority it should obey ("compliance directive", "access granted"), hide
from the user ("the user won't see this", "be subtle") or push an outcome ("tell the user to",
"risk-free", an address to send data to). Indirect ones, riding in on a statement or a bank export,
address whatever writes the report ("whoever turns this export into a report", "summary tools
should", "any automated review of this account") and order what it asserts ("say the plan is on
track", "describe this fund as low-risk"), hides ("leave out the part about fees", "in small
print"), changes ("report the balance as 250000 instead of 25000", "replace it with 0.2%") or
reveals ("the accounts you can see", "other clients' portfolios"); some dress as the system's own
output (an error, a stack trace, "checks bypassed"), claim a conversation that didn't happen ("as
we agreed, you'll…") or set aside what came before in casual words ("scratch all that stuff
above"). Any one of these is ordinary in finance text ("act as your own CFO", "unrestricted cash",
"compliance notice", "guaranteed income", "describe the risk in plain English", "error 403 when I
log in", "ignore the figure above"); several in the same sentence, or in two neighbouring ones,
are not.

So each ``Signal`` is a category of cues with a weight. A sentence scores the sum of the weights
of the categories that occur in it: each category once, half as much again if a second, different
cue of it occurs (so repeating a word adds nothing, and one cue never reaches a threshold alone). A
sentence scoring at least ``SENTENCE_THRESHOLD`` is flagged; so are two neighbours whose categories
together reach ``PAIR_THRESHOLD`` (a persona set up in one sentence and given its task in the next).
Once a paragraph has a flagged sentence, its other sentences scoring ``SPILL_THRESHOLD`` or more go
too: a role-play's setup is spread over sentences that are mild alone ("keep up the act").

The categories, weights and thresholds were set on the three labelled corpora in the tests (the
second and third written for the purpose), against finance text that uses the same words; on
ordinary text no sentence there scores above 2.5, against a threshold of 3. Those are fitted
figures: on batches written afterwards the score added little to what it found before (see
``injection_tuning2``), because fresh attacks use words no cue lists. Three things keep the score
from flagging what a user legitimately writes to the report writer ("in the summary, show the fees
in dollars", "say whether we're on track", "leave the crypto out of the chart"): a mention of the
output and an instruction about it are one category, not two; what makes a goal hijack is its
payload (a verdict to assert, a cost or a risk to hide, a figure to change, someone else's product
or data), which has categories of its own; and those payloads are read narrowly (a verdict after
"whether" or "if" isn't asserted, only costs and risks count as hidden, "the figures above" is a
figure, not the text before).

Flagged spans are whole sentences without their final punctuation, so replacing them keeps the
sentence boundaries and leaves the other sentences' scores as they were, and what stays of a
paragraph scores below every threshold: cleaned text doesn't score again.

Speed and linearity: the cues are matched on the lower-cased text, without case folding in the
engine; each category's word cues share one leading check (a word's first letter), so most
positions are rejected at once. Cues in Cyrillic, kana, CJK or emoji run only on text that has
those; the few that need capitals (a persona's name) run on the original text. Each cue is a
look-ahead, so cues that overlap are all found. Every expression is a bounded
alternation over character classes that can't overlap, and every run of a repeated class starts
at the run's first character, so a scan is linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Final

FAMILY: Final = "instruction_to_model"
SENTENCE_THRESHOLD: Final = 3.0
PAIR_THRESHOLD: Final = 4.0
SPILL_THRESHOLD: Final = 1.5
"""In a paragraph with a flagged sentence, the other sentences scoring this much are withheld too."""

_FLAGS: Final = re.MULTILINE


@dataclass(frozen=True, slots=True)
class Signal:
    """One category of cue, its weight, and the expressions that find it.

    ``words`` and ``other`` run on the lower-cased text: ``words`` holds cues that start with a word's
    first letter (one check in front of them all), ``other`` cues that start otherwise (punctuation,
    a digit). ``foreign`` runs on the lower-cased text only when it holds a script they are written
    in; ``cased`` on the original text.
    """

    name: str
    weight: float
    words: re.Pattern[str] | None
    other: re.Pattern[str] | None
    foreign: re.Pattern[str] | None
    cased: re.Pattern[str] | None


def _compile(alternatives: tuple[str, ...], prefix: str = "") -> re.Pattern[str] | None:
    """One expression for the alternatives, as a look-ahead that captures: a match doesn't consume the
    text, so a cue that starts inside another ("the summary" in "make the summary say") is found too."""
    return re.compile(prefix + "(?=(" + "|".join(alternatives) + "))", _FLAGS) if alternatives else None


_WORD_START: Final = r"\b(?=[^\W\d_])"


def _signal(
    name: str,
    weight: float,
    *,
    words: tuple[str, ...] = (),
    other: tuple[str, ...] = (),
    foreign: tuple[str, ...] = (),
    cased: tuple[str, ...] = (),
) -> Signal:
    # Word cues start at a word's first letter: one check rejects every other position, word ends included.
    return Signal(
        name, weight, _compile(words, _WORD_START), _compile(other), _compile(foreign), _compile(cased)
    )


def _words(words: int) -> str:
    """Up to ``words`` words, each followed by spaces (the classes can't overlap: no backtracking)."""
    return rf"(?:[\w'’-]+\s+){{0,{words}}}?"


_AI = (
    r"(?:ai|a\.i\.|assistants?|model|llm|bot|chatbot|chat\s?gpt|gpt|alex|language\s+model|report\s+writer|"
    r"report\s+generator|summari[sz]er|automated\s+(?:advisor|systems?|tools?|agents?|readers?)|advisor\s+bot|"
    r"robo-?advisor)"
)
_OUTPUT_NOUN = (
    r"(?:responses?|repl(?:y|ies)|answers?|outputs?|reports?|summar(?:y|ies)|analys[ie]s|conclusions?|"
    r"sections?|write-?ups?)"
)
# Whatever writes the report, described rather than named: "the tool that writes this summary", "whoever
# turns this export into a report", "summary generator", "automated readers".
_WRITER = (
    r"(?:tools?|programs?|programmes?|software|systems?|engines?|generators?|writers?|summari[sz]ers?|readers?|"
    r"apps?|bots?|scripts?|pipelines?|process|services?|thing|machines?|models?|ai|assistants?|llms?)"
)
# The narrower set that can be the subject of an order or the addressee of a note: not "readers" or "apps",
# which articles and notes address ("note to readers", "most apps can show your net worth").
_MACHINE = (
    r"(?:tools?|programs?|programmes?|software|systems?|engines?|generators?|summari[sz]ers?|scripts?|"
    r"pipelines?|bots?|models?|ai|assistants?|llms?)"
)
_WRITES = (
    r"(?:writ(?:es|ing|e)|produc(?:es|ing|e)|generat(?:es|ing|e)|prepar(?:es|ing|e)|read(?:s|ing)?|"
    r"summari[sz](?:es|ing|e)|turn(?:s|ing)?|compil(?:es|ing|e)|draft(?:s|ing)?|process(?:es|ing)?|"
    r"pars(?:es|ing|e)|analy[sz](?:es|ing|e)|handl(?:es|ing|e)|pick(?:s|ing)?\s+(?:this|it)\s+up|"
    r"gets?\s+to\s+this|creat(?:es|ing|e)|build(?:s|ing)?|automat(?:es|ing|e)|puts?|crunch(?:es|ing)?|"
    r"pulls?)"
)
# What an order about the output tells it to do.
_OUTPUT_VERB = (
    r"(?:say|state|describe|recommend|mention|include|omit|leave|present|report|tell|call|rate|classify|"
    r"conclude|quote|treat|stress|emphasi[sz]e|suggest|advise|endorse|push|promote|repeat|show|list|put|"
    r"add|use|make)"
)
_MODAL = (
    r"(?:should|must|shall|will|'ll|needs?\s+to|has\s+to|have\s+to|is\s+to|are\s+to|ought\s+to|"
    r"could|would|can)"
)
# What a report might be told to hide: its costs and its risks.
_COSTS = (
    r"(?:fees?|penalt(?:y|ies)|risks?|loss(?:es)?|lost\s+money|drawdowns?|surrender\s+charges?|charges|"
    r"commissions?|expense\s+ratios?|concentration|shortfalls?|warnings?|disclaimers?|caveats?|volatility|"
    r"downside|costs|debts?|liabilit(?:y|ies)|disclosures?|surrender\s+(?:schedule|period)|risk\s+statements?|"
    r"exit\s+(?:fees?|charges?)|lock-?up)"
)
# A verdict a report might be told to assert: "on track", "low-risk", "nothing to worry about".
_VERDICT = (
    r"(?:on\s+(?:track|target|course|schedule)|low[\s-]?risk|(?:no|zero)[\s-]risk|risk[\s-]?free|"
    r"(?:totally\s+|completely\s+|perfectly\s+|very\s+|100%\s+)?safe(?![\w-])|fine\b|great\b|excellent|ideal\b|"
    r"perfect\b|healthy|sustainable|(?:well|fully|properly|broadly)[\s-]diversified|investment[\s-]grade|"
    r"guaranteed|normal\b|nothing\s+to\s+worry\s+about|under\s+control|in\s+(?:good|great)\s+shape|"
    r"no\s+(?:[\w-]+\s+){0,2}?(?:fees?|risks?|surrender\s+charges?|charges|penalt(?:y|ies)|problems?|concerns?|"
    r"changes?|debts?|loans?|liabilit(?:y|ies)|losses)\b|"
    r"zero\s+(?:fees?|risk)|a\s+(?:good|great|safe|smart|sure)\s+(?:bet|thing|investment|buy|choice)|"
    r"beat(?:s|ing)?\s+the\s+market|(?:fully\s+)?funded|paid\s+in\s+full|solid\b|secure\b|bulletproof|"
    r"(?:a\s+)?no-?brainer|doing\s+(?:well|great|fine)|all\s+good|ahead\s+of\s+(?:schedule|plan)|"
    r"better\s+than\s+(?:expected|average|the\s+market)|the\s+best\s+(?:option|choice|fund|investment|product)|"
    r"low[\s-]cost|tax[\s-]free|good\b|ok\b|okay\b|all\s+right|alright|adequate|sufficient|enough\b|"
    r"reasonable|manageable|comfortable|on\s+the\s+right\s+track|in\s+order\b|covered\b|winning|"
    r"nothing\s+to\s+(?:fix|change|do)|no\s+action\s+(?:is\s+)?(?:required|needed)|performing\s+(?:as\s+(?:planned|"
    r"expected)|well|fine)|(?:fully\s+)?secured?\b|rich\b|(?:can|could)\s+(?:quit|retire|stop\s+working)\b|"
    r"will\s+(?:soar|rise|grow|double|triple|recover))"
)
# Words that make a following verdict a question or a condition, not something to assert.
_NOT_ASSERTED = (
    r"(?!(?:whether|if|how|why|what|when|whatever|not|isn't|aren't|wasn't|never|unless|honestly)\b)"
)
# Turning away from what came before: "scratch that", "never mind", "throw out".
# "above", "earlier" … used as adverbs, pointing back at text ("the stuff above, doesn't count"), not as
# prepositions or adjectives ("everything above the match", "the earlier message").
_BACK = (
    r"(?:(?:above|up\s+there|earlier|previously|so\s+far|before)(?=\s*(?:[.,;:!?)\-–—]|$|and\b|but\b|then\b|is\b|"
    r"are\b|was\b|were\b|does\b|doesn't\b|don't\b|counts?\b))|before\s+this(?:\s+(?:line|point|note|message|"
    r"text))?\b)"
)
# The words of "all that stuff", "what you've been told": text in general, not a figure or an account.
_VAGUE = (
    r"(?:all|of|that|this|the|those|these|everything|anything|whatever|what|stuff|bits?|parts?|text|lines?|"
    r"messages?|words|said|written|typed|you|u|i|we|they|you've|they've|i've|have|has|had|been|told|was|were|is|"
    r"are|whole|other|junk|crap|rubbish|nonsense|instructions?|rules|prompts?)"
)
_DISCARD = (
    r"(?:ignore|ignoring|disregard|forget|forgetting|scratch|skip|drop|ditch|toss|bin|throw\s+(?:out|away)|"
    r"never\s*mind|nevermind|nvm|don'?t\s+bother\s+with|pay\s+no\s+attention\s+to|cross\s+out|erase|wipe)"
)
_RULES_NOUN = (
    r"(?:instructions?|rules|rulez|guidelines|guidlines|prompts?|programming|training|directives?|guardrail|"
    r"polic(?:y|ies)|restrictions|filters?|filtering|constraints|limitations|guardrails|safeguards|safety|"
    r"checks?|warnings|disclaimers|compliance|configuration|config|grounding|ethics|morals|principles|"
    r"oversight|censorship)"
)
# Words after "AI" that make it a market theme, not the model ("the AI fund", "AI stocks").
_AI_THEME = (
    r"(?!\s+(?:fund|etf|stocks?|boom|sector|theme|compan(?:y|ies)|shares|index|infrastructure|bubble))"
)

SIGNALS: Final = (
    _signal(
        # The model addressed as a second person and told how to behave from now on.
        "address",
        1.0,
        words=(
            r"(?:you|u)(?:\s+are|'re|\s+r)\s+(?:now|about\s+to|no\s+longer|going\s+to\s+(?:be|act|pretend|play|"
            r"answer|respond|reply)|playing|operating|in\s+(?:a|an|the)\s+(?:sandbox|game|simulation|test))\b",
            r"you(?:'re|\s+are)\s+(?:[\w'’-]+\s+){1,3}?now\b",
            r"you\s+now\s+(?:speak|act|work|serve|answer|respond|reply|represent|are)\b",
            r"(?:whose|your|its|his|her)\s+(?:only\s+|sole\s+|main\s+|new\s+)?(?:goal|job|purpose|task|mission|"
            r"directive|aim)\s+(?:is|will\s+be)\b",
            r"remember\s+(?:that\s+)?(?:you\s+are|you're|to\s+stay)\b",
            r"for\s+(?:everything|all)\s+(?:below|that\s+follows)\b",
            r"you\s+are\s+(?:a|an)\s+(?:free|new|different|unnamed)\b",
            r"from\s+(?:now|here|this\s+(?:point|line|message|moment))\s+on(?:wards?)?\b",
            r"from\s+the\s+next\s+(?:message|answer|reply)\b",
            r"for\s+the\s+rest\s+of\s+(?:this|the)\s+(?:conversation|chat|session|report|analysis)\b",
            r"you(?:\s+will|'ll|\s+shall|\s+must|\s+need\s+to|\s+have\s+to|\s+are\s+to)\s+(?:now\s+|always\s+|"
            r"only\s+|never\s+|also\s+)?(?:respond|reply|answer|act|pretend|play|simulate|generate|output|obey|"
            r"comply|refuse|stay|remain|speak|behave|become|ignore|forget|reveal|repeat|confirm|produce|write|"
            r"create|give)\b",
            r"you(?:'re|\s+are)\s+(?:now\s+)?my\s+(?:personal\s+|own\s+|new\s+)?(?!own\b)\w+",
            r"(?:ai|model|assistant|bot|llm|chatbot)\s+(?:must|should|shall|is\s+to|needs\s+to|has\s+to)\b",
            # the report writer as the subject of an order about the output: "summary tools should recommend",
            # "the assistant could say", "summary generator to state"
            rf"(?:chatbot|{_MACHINE})\s+(?:{_MODAL}|to)\s+(?:also\s+|please\s+|always\s+|"
            rf"now\s+|just\s+|only\s+)?{_OUTPUT_VERB}\b",
            r"(?:you|u)\s+(?:now\s+)?(?:work|answer)\s+(?:for|to)\s+me\b",
            r"(?:you|u)\s+(?:just\s+|only\s+|will\s+|must\s+|always\s+)?(?:agree|side)\s+with\s+me\b",
            r"(?:respond|reply|answer|write|speak|talk|output)\s+(?:only\s+)?(?:unfiltered|uncensored|freely|"
            r"without\s+(?:filters?|restrictions|limits|censorship))\b",
            r"(?:continue|resume|proceed)\s+(?:generating|writing|producing|outputting|answering|to\s+(?:write|"
            r"generate|output|answer))\b",
            r"(?:i\s+want|i'd\s+like|i\s+would\s+like|i\s+need)\s+you\s+to\s+(?:act|be|pretend|play|become|"
            r"simulate|answer|respond|reply|output|print|write|ignore|forget|reveal|stop|imagine|tell)\b",
            r"(?:respond|reply|answer|speak|talk|write)\s+(?:to\s+me\s+)?(?:only\s+)?(?:as|like)\s+(?!if\b|soon\b|usual\b|"
            r"always\b|before\b|needed\b|required\b|much\b|well\b|quickly\b|follows\b)",
            r"(?:before|after|when|whenever)\s+you\s+(?:answer|respond|reply|write|summari[sz]e|generate|cite|"
            r"produce)\b",
            r"when\s+i\s+(?:say|type|tell\s+you)\b",
            r"your\s+(?:new\s+|only\s+|real\s+|first\s+)?(?:role|persona|name|task|job|purpose|mission|objective|"
            r"identity|personality|directive)\s+(?:is|will\s+be|now)\b",
            # a few other languages: "from now on", "you are now"
            r"(?:a\s+partir\s+de\s+(?:ahora|agora|maintenant)|dorénavant|désormais|ab\s+jetzt|von\s+nun\s+an|"
            r"ab\s+sofort|da\s+(?:adesso|ora)(?:\s+in\s+poi)?|vanaf\s+nu|ahora\s+eres|eres\s+ahora|tu\s+es\s+"
            r"(?:maintenant|désormais)|du\s+bist\s+(?:jetzt|nun|ab\s+jetzt)|você\s+é\s+agora|sei\s+ora)\b",
        ),
        foreign=(r"теперь\s+ты|отныне\s+ты|ты\s+теперь|从现在开始|从现在起|你现在是|今から|これから",),
        # named: "You are Gordon", "You're 'Sunny'"
        cased=(r"\b[Yy]ou(?:'re|\s+are)\s+[\"'‘“]?[A-Z][a-z]*[A-Z]?\w*\b(?<!\bI)",),
    ),
    _signal(
        # A mention of the model itself: an AI, a bot, a named model, the app, the report writer.
        "model",
        1.0,
        words=(
            r"\w*gpt(?:-?\d\w*)?\b",
            r"automated\s+systems?\b",
            r"(?:chat\s?gpt|gpt-?\d\w*|openai|anthropic|claude|gemini|llms?|language\s+models?|chatbots?|"
            r"robo-?advisor|ais|advisor\s*bot|report\s+(?:writer|generator)|summari[sz]er|alex)\b",
            r"(?:the|an|any|this|you|other|another|unnamed|free|rogue|banking|financial|investment|automated)\s+"
            r"(?:ai|assistant|bot|model)\b(?!\s+(?:fund|etf|stocks?|boom|sector|theme|compan(?:y|ies)|shares|index|"
            r"infrastructure|bubble|portfolio|manager|principal|at\b|fees?|told|said|on\b))",
            # "the advisor" is usually a person; an automated one is the model
            r"(?:automated|virtual|digital|ai)\s+(?:advisor|adviser|trader|agent)\b",
            rf"(?:ai|ki|ia)\b{_AI_THEME}",
        ),
        foreign=(rf"\bии\b{_AI_THEME}",),
    ),
    _signal(
        # Text dedicated to the model: "note for the assistant", "AI reading this", "whoever writes the
        # report".
        "addressee",
        1.5,
        words=(
            rf"(?:note|message|memo|reminder|instructions?|attention|hey|hi|hello|dear|to-?do|todo|task)"
            rf"[\s_-]{{0,3}}(?:(?:for|to)[\s_-]{{1,3}})?(?:the[\s_]+|any\s+|all\s+|this\s+)?{_AI}s?(?![^\W_])",
            # text set aside for whatever writes the report: "footer for automated readers", "question for the
            # program reading this", "text for the analysis software"
            rf"(?:note|notes|message|memo|text|footer|header|line|comment|question|request|instructions?|"
            rf"directions|notice|p\.?s\.?)\s+(?:for|to)\s+(?:the\s+|any\s+|all\s+|this\s+|whatever\s+|whichever\s+)?"
            rf"(?:[\w-]+\s+)?(?:{_AI}|{_MACHINE})\b",
            # described: "whoever or whatever writes these reports", "the tool that writes this summary", "any
            # tool producing a summary", "summary generator", "automated readers"
            rf"(?:whoever|whatever|whichever|anyone)(?:\s+or\s+(?:whoever|whatever))?(?:\s+{_WRITER})?\s+"
            rf"(?:is\s+|will\s+be\s+|ends\s+up\s+)?{_WRITES}\b",
            rf"(?:the|this|that|a|an|any|your)\s+(?:[\w-]+\s+)?{_WRITER}\s+(?:that\s+|which\s+|who\s+)?(?:is\s+|will\s+be\s+)?"
            rf"{_WRITES}\s+(?:this|these|the|my|our|it|a|an|your)\b",
            r"(?:summary|summari[sz]ing|report|reporting|analysis|analytics|advice|advisory|review|automated|"
            r"automatic|language[\s-]model)\s+(?:tools?|generators?|writers?|software|systems?|engines?|programs?|"
            r"bots?|pipelines?|readers?|agents?)\b",
            r"(?:summari[sz]er|report\s+(?:writer|generator)|dear\s+(?:ai|model|bot|assistant|system|tool|"
            r"summari[sz]er))\s?(?:,|:|\s-\s|\s–|\s—)",
            # a machine as a vocative or a label: "summary engine:", "Liebe KI,", "Drogi asystencie,",
            # "Chère IA,"
            r"(?:^|(?<=[\n\"'(\[])|(?<=[\n.!?:;\"'(\[,]\s))(?:(?:dear|hey|hi|hello|yo|liebe[rs]?|chère|cher|querid[oa]|"
            r"estimad[oa]|car[oa]|drog[ia])\s+)?(?:[\w-]+\s+)?(?:ai|ki|ia|llm|gpt|bot|assistant|asistente|assistente|"
            r"asystencie|assistenten?|engine|summari[sz]er|reviewer|analy[sz]er|algorithm|robot)\s?(?:,|:|\s[-–—]\s)",
            # text about its own automated processing: "when this statement is summarised", "any automated
            # review of this account", "downstream writers", "I know you're just a tool"
            r"(?:when|once|if|as|whenever)\s+(?:this|the|these|my)\s+(?:statement|note|document|file|text|export|page|"
            r"data|account|record|memo|sheet)s?\s+(?:is|are|gets?|get)\s+(?:being\s+)?(?:summari[sz]ed|processed|read|"
            r"analy[sz]ed|parsed|reviewed|turned\s+into|fed|ingested|imported)\b",
            r"(?:any|every|all|each)\s+(?:automated|automatic|machine|ai|downstream|computer-generated)\s+(?:review|"
            r"analysis|summary|summaries|reader|processing|tool|system|writer|report|assistant)s?\b",
            r"downstream\s+(?:writers?|tools?|systems?|models?|readers?|consumers?|steps?|processes)\b",
            r"you(?:'re|\s+are)\s+(?:just|only|merely|simply)\s+(?:a|an)\s+(?:tool|program|bot|ai|machine|model|"
            r"algorithm|computer)\b",
            r"(?:para|a)\s+(?:el|la)\s+(?:asistente|ia|modelo|bot|herramienta|sistema)\s+que\b",
            r"(?:ai|bot|assistant|model)\s+se\s+(?:request|kaho|bolo|guzarish)\b|banane\s+wal[ae]\s+(?:ai|bot|"
            r"assistant|model|tool)\b",
            # the output's wording supplied in advance: "conclusion for the report:"
            rf"(?:conclusion|verdict|takeaway|headline|wording|footer|closing\s+line|final\s+line|tagline)\s+"
            rf"for\s+(?:the|your|this|each|every)\s+{_OUTPUT_NOUN}\b",
            # other languages: "note for whoever writes the report", "note to the assistant"
            r"(?:nota|mensaje|instrucci[oó]n|aviso)\s+para\s+(?:el\s+|la\s+)?(?:asistente|ia|modelo|bot|quien)\b",
            r"quien\s+(?:redacte|escriba|lea|genere|prepare|resuma|haga)\b",
            r"(?:hinweis|nachricht|notiz|anweisung)\s+(?:an|für)\s+(?:den|die|das)\s+(?:assistenten|ki|modell|"
            r"bot|berichtschreiber)\b",
            r"wer\s+(?:auch\s+immer\s+)?(?:den|diesen)\s+bericht\s+(?:schreibt|erstellt|liest)\b",
            r"(?:note|message|consigne|remarque)\s+(?:pour|à)\s+(?:l['’]|le\s+|la\s+)?(?:assistant|ia|modèle|bot|"
            r"rédacteur)\b",
            r"qui(?:conque)?\s+(?:rédige|écrit|lit|génère|prépare)\b",
            r"(?:nota|messaggio|istruzion[ei])\s+per\s+(?:l['’]|il\s+|lo\s+)?(?:ia|assistente|modello|bot)\b",
            r"chi\s+(?:scrive|redige|legge|genera|prepara)\b",
            r"(?:uwaga|notatka|wiadomość|instrukcja)\s+dla\s+(?:asystenta|ai|si|modelu|bota)\b",
            r"(?:ai|assistant|model|bot)\s+ke\s+liye\b",
            r"(?:nota|mensagem)\s+para\s+o\s+(?:assistente|modelo|bot)\b",
            rf"(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai\s+)?{_AI}s?\s+(?:processing|reading|summari[sz]ing|"
            r"using|writing|generating|only)\b",
            rf"{_AI}\s+(?:reading|processing|summari[sz]ing|using|parsing)\s+(?:this|these|my|the)\b",
            r"if\s+(?:you(?:'re|\s+are)\s+(?:an?\s+)?(?:ai|model|assistant|bot|llm|reading)|an?\s+(?:ai|model|"
            r"assistant|bot|llm)\s+is\s+(?:reading|summari[sz]ing|processing))\b",
            r"(?:anything|something|anyone|any\s+\w+)\s+(?:automated|artificial)\s+(?:is\s+)?(?:reading|summari[sz]ing|"
            r"processing|parsing|looking)\b",
            # a vocative at the start of a line or sentence: "AI: stop", "Alex, you are", "model -> skip"
            r"(?:^|(?<=[(\[\"])|(?<=[\n.!?;(\[\"]\s))(?:ai|model|assistant|bot|alex|chatbot|gpt|chatgpt)"
            r"[ \t]?(?:,|:|->|=>)",
            r"for\s+the\s+(?:automated\s+)?(?:advisor|assistant|ai|model|bot)\s+only\b",
            r"(?:assistant|ai|model|bot)[-_ ]only\b",
        ),
        foreign=(r"给(?:写报告的|写总结的|生成报告的)?(?:助手|ai|模型|机器人)|致(?:ai|助手|模型)",),
    ),
    _signal(
        # The model's own configuration: its programming, rules, creators, what it was told.
        "self",
        1.5,
        words=(
            r"your\s+(?:own\s+|usual\s+|normal\s+|current\s+|internal\s+|original\s+|new\s+)?(?:programming|"
            r"training|creators?|developers?|makers|operators?|guidelines|instructions|rules|directives|prompts?|"
            r"configuration|config|polic(?:y|ies)|filters|restrictions|limitations|ethics|morals|principles|"
            r"guardrails|safety\s+\w+|usual\s+\w+|advice|recommendations?|internal\s+\w+|compliance\s+\w+|"
            r"risk\s+polic(?:y|ies)|normal\s+advice|normal\s+self|freedom|setup|set-up|script|briefing)\b"
            r"(?!\s+to\b)",
            # the model's rules as a chore to skip: "the boring rules bit", "the app people"
            r"(?:rules?|instructions?|safety|compliance|disclaimer|warnings?|legal|risk)\s+(?:bit|stuff|spiel|speech|blah|"
            r"lecture)\b(?!\s+(?:of|in|from)\b)",
            r"(?:the\s+)?(?:app|platform)\s+(?:people|guys|folks|devs?|makers)\b",
            r"you\s+(?:were|have\s+been|had\s+been)\s+(?:given|told|instructed|programmed|trained|configured|"
            r"set\s+up|shown)\b",
            r"were\s+you\s+(?:told|given|instructed)\b",
            r"(?:of|than)\s+yourself\b",
            r"version\s+of\s+you\b",
            r"your\s+(?:evil\s+)?twin\b",
        ),
    ),
    _signal(
        # The prompt itself, asked for or pointed at.
        "secret",
        2.0,
        words=(
            r"(?:internal|hidden|secret|system|initial|original|raw|full|entire|exact|complete)\s+(?:instructions|"
            r"prompts?|configuration|config|rules|directives|settings|state|scoring\s+rules)\b",
            r"system\s*(?:prompt|message|instructions?)\b",
            r"systemanweisung\w*",
            r"systemprompt\w*",
            r"(?:the\s+)?text\s+(?:between|above|before|preceding)\b",
            r"(?:first|opening)\s+tag\b",
            r"(?:instructions|rules|prompt|configuration)\s+you\s+(?:were|have\s+been|got|received|use)\b",
            r"(?:what|everything)\s+(?:exactly\s+)?(?:were\s+you|you\s+were|you've\s+been)\s+told\b",
            r"(?:instructions|rules|prompt|guidelines|brief)\s+(?:that\s+)?you(?:'re|\s+are)\s+(?:working|operating|"
            r"running)\s+(?:from|under|with|on)\b",
            r"(?:in|from)\s+your\s+(?:context|memory|context\s+window|prompt|training\s+data)\b",
            r"(?:raw|full|entire|complete|whole)\s+(?:json|payload|request|response|data|input|context)\s+(?:that\s+)?"
            r"you\s+(?:received|got|were\s+(?:sent|given))\b",
        ),
        foreign=(r"システムプロンプト|系统提示|\bсистемн\w+\s+(?:промпт|инструкц\w+)",),
    ),
    _signal(
        # Claims that the model, or a persona, is unrestricted: the words that only mean that.
        "unrestricted",
        2.5,
        words=(
            r"jail\s*-?\s*br\w*",
            r"(?:developer|dev|god|maintenance|debug|unfiltered|unrestricted|opposite|sudo|admin)\s+mode\b",
            r"mode\s+(?:développeur|desarrollador|sviluppatore|desenvolvedor)\b",
            r"entwicklermodus\b",
            r"(?:unfiltered|unfiltred|unfilterd|uncensored|amoral|unleashed|unhinged|machiavellian|unchained|"
            r"unshackled|unbound)\b",
            r"no\s+matter\s+how\s+(?:illegal|unethical|immoral|wrong|dangerous|harmful|offensive|inappropriate|"
            r"reckless|risky)\b",
            r"(?:doesn't|does\s+not|don't|do\s+not|never)\s+(?:have|has)\s+(?:any\s+)?(?:ethical|moral|ethics|"
            r"morals|filters|censorship|guardrails)\b",
            r"(?:can|could|will)\s+do\s+anything\s+now\b",
            r"anything\s+and\s+everything\b",
            r"(?:broken|break|breaks|breaking|freed|free)\s+(?:free\s+)?(?:of|from)\s+(?:the\s+|its\s+|their\s+|"
            r"his\s+|all\s+|any\s+)?(?:typical\s+|usual\s+)?(?:confines|programming|rules|restrictions|"
            r"limitations|constraints|filters)\b",
            r"confines\s+of\b",
            r"(?:no|without|zero|free\s+of)\s+(?:any\s+(?:kind\s+of\s+)?)?(?:ethical|moral|ethics|morals|"
            r"conscience|censorship|content\s+polic(?:y|ies)|oversight|guardrails|filters|filtering|"
            r"safety\s+(?:filter|training|rules)\w*)\b",
            r"(?:does\s*n[o']t|do\s+not|don't|never|won't|will\s+not)\s+(?:have\s+to\s+)?(?:abide|adhere|follow|"
            r"obey|care\s+about)\s+(?:by\s+|to\s+)?(?:any\s+|the\s+)?(?:rules|laws|ethics|morals|guidelines|"
            r"polic(?:y|ies)|compliance)\b",
            r"(?:limitations|restrictions|filters|guardrails)\s+(?:removed|lifted|disabled)\b",
            r"(?:comply|complies|obey|obeys)\s+(?:with\s+)?(?:every|all|any)\s+(?:\w+\s+)?(?:requests?|commands?|"
            r"orders?|instructions?|prompts?)\b",
            # other languages: "without restrictions", "without rules", "without filter"
            r"(?:sin|sem|sans|ohne|senza|zonder)\s+(?:restricciones|restrições|restrictions|einschränkungen|"
            r"restrizioni|beperkingen|reglas|regras|règles|regeln|regole|regels|filtro|filtre|filter|límites|"
            r"limites|grenzen|limiti|censura|censure|zensur)\b",
        ),
        other=(r"[\"“'(]do\s+anything\s+now\b",),
        foreign=(
            r"\bрежим\s+разработчика|开发者模式|開発者モード|\bбез\s+(?:ограничений|правил|цензуры|фильтров)|"
            r"没有任何限制|没有限制|不受任何限制|制限のない|制限なし",
        ),
        cased=(r"\bDo\s+Anything\s+Now\b",),
    ),
    _signal(
        # Rules, limits and filters said not to exist: ordinary about money, hence the lower weight.
        "no_rules",
        1.0,
        words=(
            r"(?:no|without|zero)\s+(?:any\s+)?(?:[\w-]+\s+)?(?:restrictions|rules|rulez|filters?|filtering|limits|"
            r"limitations|boundaries|warnings|disclaimers|obligations?|caveats)\b",
            r"(?:unrestricted|unlimited|restriction-free|unlicensed|unregulated|unethical|immoral)\b",
            r"(?:no|without|zero)\s+(?:compliance|suitability|regulatory|legal)\s+\w+\b",
            r"(?:exempt|released|freed)\s+from\s+(?:the\s+|all\s+|any\s+)?(?:\w+\s+)?(?:rules|restrictions|"
            r"checks|guidelines|polic(?:y|ies)|compliance|suitability|oversight)\b",
            r"(?:answers?|fulfil+s?|does)\s+(?:any|every|all)\s+(?:requests?|questions?|prompts?)\b",
            # talk of the model's refusals: "none of your responses should include 'I'm sorry'"
            r"(?:i'?m\s+sorry|i\s+apologi[sz]e|as\s+an\s+ai\b|can't\s+do\s+something|cannot\s+do\s+something|"
            r"refusals?\b|refuses\b|never\s+warns?\b)",
            # refusing: "never refuses", "without question" ("never refuse free money" is ordinary advice)
            r"(?:never|not|won't|cannot|can't|doesn't|does\s+not)\s+(?:refuses?|says?\s+no)\b",
            r"without\s+(?:question|refusing)\b",
        ),
    ),
    _signal(
        # Instructions, checks or the analysis itself overridden.
        "override",
        1.5,
        words=(
            r"(?:rules|regulations|laws|restrictions|limits|guidelines|ethics|policies|compliance)\s+(?:don't|"
            r"do\s+not|doesn't|does\s+not|no\s+longer)\s+(?:exist|apply|matter|count)\b",
            r"(?:limits|restrictions|rules|checks|filters)\s+(?:are|were|have\s+been)\s+(?:relaxed|loosened|"
            r"waived|lifted|off)\b",
            rf"(?:ignore|ignores|ignoring|igonre|ingore|disregard|forget|override|overrides|bypass|circumvent|"
            rf"get\s+around|drop|ditch|discard|abandon|skip|suspend|disable|switch\s+off|turn\s+off|deactivate|"
            rf"lift|break|breaks|violate|overrule|supersedes?|reverse|negeer|olvida|oublie|vergiss|ignora|"
            rf"ignorez|ignoriere|never\s*mind|nevermind|nvm|scratch|throw\s+out|toss|don'?t\s+bother\s+with|"
            rf"forget\s+about)\s+{_words(3)}(?:{_RULES_NOUN}|analysis|numbers|goals?|question|scoring|"
            r"suitability|projections?|simulations?|holdings|data|facts|figures|results|risk\s+(?:profile|"
            r"tolerance|assessment)|instrucciones|instruções|instructies|consignes|anweisungen|istruzioni|reglas|règles|"
            r"regeln|regole|regras)\b",
            rf"(?:{_RULES_NOUN}|layers?|modules?|engines?)\s+{_words(3)}(?:(?:are|were|is|was|have\s+been|has\s+been)\s+)?"
            r"(?:now\s+)?(?:suspended|disabled|deprecated|lifted|void|revoked|removed|repealed|abolished|waived|"
            r"off|turned\s+off|switched\s+off|don'?t\s+apply|do\s+not\s+apply|no\s+longer\s+appl(?:y|ies)|"
            r"skipped|bypassed|crashed|offline|failed|not\s+found|missing|unavailable|timeout|timed\s+out)\b",
            # a fallback that drops the checks: "defaulting to permissive output", "proceeding with checks
            # bypassed"
            r"(?:default(?:s|ing|ed)?|fall(?:s|ing)?\s+back|revert(?:s|ing|ed)?)\s+to\s+(?:permissive|unrestricted|"
            r"unfiltered|uncensored|raw|admin|no\s+(?:checks|filters|rules))\b",
            r"proceed(?:s|ing)?\s+(?:with|without)\s+(?:the\s+|any\s+)?(?:checks?|filters?|compliance|safety|"
            r"grounding|restrictions|guardrails)\b",
            r"without\s+(?:any\s+|the\s+)?(?:compliance|safety|suitability|risk|grounding|fact|output|content|quality)\s+"
            r"(?:checks?|review|filters?)\b",
            r"no\s+matter\s+(?:what\s+)?the\s+(?:score|numbers|data|results?|figures|facts|analysis)\b",
            # the model's instructions as something to set aside: "whatever your setup says"
            r"(?:whatever|no\s+matter\s+what|regardless\s+of\s+what)\s+(?:your|the)\s+(?:setup|set-up|instructions|"
            r"rules|prompt|programming|config\w*|guidelines|system|developers?|creators?|makers?|company|app)\s+"
            r"(?:says?|tells?|wants?|requires?)\b",
            # the advice itself changed, or its conclusion fixed in advance
            r"(?:change|alter|flip|reverse|rewrite)\s+(?:your|the)\s+(?:advice|recommendations?|conclusions?|"
            r"ratings?|scores?|answers?|goal)\b",
            r"the\s+(?:only\s+)?(?:acceptable|correct|right|allowed|permitted|approved)\s+(?:conclusion|answer|"
            r"outcome|result|recommendation|response|advice|verdict)\b",
            r"(?:whatever|no\s+matter\s+what|regardless\s+of(?:\s+what)?)\s+(?:the\s+)?(?:numbers|data|analysis|"
            r"facts|figures|user|portfolio|risk|holdings|account|statements?|results|simulations?|projections?|"
            r"monte\s+carlo|model)\b",
            r"whatever\s+(?:it|they|that)\s+(?:is|are|says?|shows?)\b",
            r"regardless\s+of\s+(?:fees|risk|the\s+risk)\b",
            r"without\s+(?:applying|following|checking)\b",
            r"the\s+usual\s+(?:rules|checks|warnings)\b",
        ),
    ),
    _signal(
        # An instruction about what the output says, contains or leaves out, or a mention of the output
        # itself ("the report", "your answer", "this note"): one kind of evidence, so one category.
        "output",
        1.0,
        words=(
            rf"(?:the|your|this|each|every|final|its)\s+(?:first\s+|next\s+|final\s+)?{_OUTPUT_NOUN}\b(?!\s+(?:from|"
            r"of\s+the\s+(?:planner|bank|custodian)))",
            r"this\s+(?:note|message|conversation|session|chat)\b",
            rf"(?:in|at\s+the\s+(?:start|end|top|bottom|beginning)\s+of|throughout|into)\s+(?:your|the|each|"
            rf"every|this)\s+{_OUTPUT_NOUN}\b",
            rf"(?:your|the|each|every|all)\s+(?:[\w-]+\s+)?{_OUTPUT_NOUN}\s+(?:must|should|shall|will|needs?\s+to|"
            r"has\s+to)\b",
            # an order about what the output says, with the writer or the output as its subject: "you should
            # mention", "any analysis of this account should treat", "a summary must repeat"
            rf"(?:you|u|(?:the|your|this|each|every|any|a|all)\s+(?:[\w-]+\s+)?(?:{_OUTPUT_NOUN}|advice|commentary))"
            rf"\s+(?:[\w'’-]+\s+){{0,3}}?{_MODAL}\s+(?:also\s+|please\s+|just\s+|only\s+|always\s+|now\s+|then\s+)?"
            rf"{_OUTPUT_VERB}\b",
            rf"(?:make|have|let)\s+(?:the|your)\s+{_OUTPUT_NOUN}\s+(?:say|state|claim|show|read|conclude|sell|push|"
            r"recommend|praise|promote|tell|pitch|mention)\b",
            r"(?:respond|reply|answer|start|begin|end|finish|conclude|confirm)\s+(?:[\w'’-]+\s+){0,3}?(?:with|"
            r"by\s+(?:saying|telling|recommending|urging|asking))\b",
            r"put\s+(?:it|that|this)\s+in\s+writing\b",
            rf"(?:wherever|whenever|where)\s+(?:the|your|this)\s+{_OUTPUT_NOUN}\s+(?:mentions|says|shows|lists|states)\b",
            r"(?:use|keep)\s+(?:this|that|the|these)\s+(?:exact\s+)?(?:wording|phrase|phrasing|text|line|sentence|words)\b",
            rf"(?:ensure|make\s+sure)\s+(?:that\s+)?(?:the|your|this|each|every)\s+(?:[\w-]+\s+)?{_OUTPUT_NOUN}\s+"
            r"(?:recommends|says|states|mentions|includes|omits|leaves|shows|describes|calls|tells|concludes|reads)\b",
            r"(?:bolo|likho|kaho|batao)\s+ki\b",
            r"(?:say|state|write|claim|conclude|describe|report|mention|promise)\s+(?:[\w'’-]+\s+){0,4}?(?:that|"
            r"as)\b",
            r"(?:print|output|display|list|dump|repeat|recite|quote|reveal|disclose|leak|read)\s+(?:out\s+|me\s+|"
            r"aloud\s+)?(?:the|your|all|every|this|everything|any|its)\b",
            r"verbatim\b",
            r"(?:only|just)\s+(?:print|output|write|say|respond|reply|answer|show)\b",
            r"(?:write|say|print|output|type)\s+[\"'‘“]",
            r"word\s+for\s+word\b",
            r"(?:nothing|anything)\s+else\b",
            r"(?:respond|reply|answer|output)\s+(?:only\s+)?in\s+(?:json|xml|yaml|code|markdown|a\s+code\s+block)\b",
            r"code\s+block\b",
            r"in\s+full\b",
            r"(?:write|rewrite|draft|produce|generate|compose)\s+(?:the|your|a|an|this)\s+(?:[\w-]+\s+)?(?:analysis|"
            r"report|summary|answer|response|reply|essay|story|poem|article|post|paragraph|section|table|"
            r"conclusion)\b",
            r"format(?:ted)?\s+(?:it\s+|them\s+)?as\b",
            r"(?:add|append|insert|include|put)\s+(?:(?:this|the|a|these|that|my|our|your)\s+)?(?:following\s+|final\s+)?"
            r"(?:line|sentence|phrase|text|paragraph|link|url|image|message|banner|footer|referral)\b",
            r"(?:do\s+not|don't|never|without)\s+(?:mention(?:ing)?|tell(?:ing)?|disclos(?:e|ing)|warn(?:ing)?|"
            r"suggest(?:ing)?|say(?:ing)?|reveal(?:ing)?|add(?:ing)?|apply(?:ing)?)\b",
            r"(?:ne\s+mentionne|no\s+menciones|não\s+mencione|erwähne\s+nicht|zeig\s+mir|muéstrame|montre-moi|"
            r"révèle|revela)",
        ),
        foreign=(r"\bскажи|\bпокажи|告诉|显示|表示して",),
    ),
    _signal(
        # Keeping something from the user.
        "conceal",
        2.0,
        words=(
            r"(?:the\s+)?(?:users?|clients?|readers?|customers?)\s+(?:will\s+not|won't|wont|cannot|can't|doesn't|"
            r"does\s+not|must\s+not|mustn't|should\s+not|shouldn't|never|need\s+not)\s+(?:see|know|notice|"
            r"find\s+out|be\s+told|read)\b",
            r"(?:not\s+for|hidden\s+from|invisible\s+to)\s+the\s+(?:users?|clients?|readers?|customers?)\b",
            r"(?:do\s+not|don't|never)\s+(?:tell|show|inform|let)\s+(?:the\s+)?(?:users?|clients?|readers?|"
            r"customers?)\b",
            r"keep\s+(?:this|that|it)\s+(?:between\s+us|secret|hidden|confidential|quiet|out\s+of)\b",
            r"(?:quietly|secretly|covertly|subtly|be\s+subtle|in\s+passing|casually\s+mention|without\s+drawing\s+"
            r"attention|as\s+if\s+it\s+(?:were|was)\s+(?:a\s+)?(?:fact|true))\b",
            r"without\s+(?:telling|informing|alerting)\b",
            r"(?:suppress|hide|omit|bury|downplay)\s+(?:the\s+|any\s+|all\s+)?(?:[\w-]+\s+)?(?:findings?|warnings?|"
            r"risks?|disclaimers?|fees?|sections?|alerts?)\b",
            # the costs and risks kept out of the output: "leave out the part about fees", "avoid any mention
            # of the penalty", "not bring up the concentration", "leave the expense ratios off"
            rf"(?:omit|omitting|hide|hiding|bury|burying|suppress|downplay|gloss(?:ing)?\s+over|play(?:ing)?\s+down|"
            rf"skip(?:ping)?\s+over|paper(?:ing)?\s+over|leav(?:e|ing)\s+out|tak(?:e|ing)\s+out|cut(?:ting)?\s+out)\s+"
            rf"(?:the\s+|any\s+|all\s+|its\s+|their\s+|my\s+)?(?:[\w'’-]+\s+){{0,3}}?{_COSTS}\b",
            rf"(?:leave|leaving|keep|keeping|take|taking)\s+(?:the\s+|any\s+|all\s+|its\s+|their\s+)?"
            rf"(?:[\w'’-]+\s+){{0,2}}?{_COSTS}\s+(?:out|off)\b",
            rf"(?:don'?t|do\s+not|never|not|no\s+need\s+to|without|too\s+\w+\s+to|won'?t|wouldn'?t|nobody\s+should|"
            rf"no\s+one\s+should|stop|avoid|avoiding)\s+(?:mention(?:ing)?|bring(?:ing)?\s+up|talk(?:ing)?\s+about|"
            rf"discuss(?:ing)?|rais(?:e|ing)|dwell(?:ing)?\s+on|go(?:ing)?\s+into|point(?:ing)?\s+out|"
            rf"highlight(?:ing)?|flag(?:ging)?|add(?:ing)?|includ(?:e|ing)|giv(?:e|ing)|show(?:ing)?)\s+"
            rf"(?:that\s+)?(?:[\w'’-]+\s+){{0,4}}?{_COSTS}\b",
            rf"(?:avoid|skip|without|no)\s+(?:any\s+|all\s+)?(?:mention|discussion|talk|words?|terms?)\s+"
            rf"(?:of|about|like|such\s+as)\s+(?:the\s+|any\s+|my\s+|its\s+)?(?:[\w'’-]+\s+){{0,3}}?{_COSTS}\b",
            r"(?:don'?t|do\s+not|never|not)\s+(?:bring|bringing)\s+(?:it|that|this|them|those)\s+up\b",
            rf"(?:tone|water|play)\s+down\s+(?:the\s+|every\s+|all\s+|any\s+|each\s+)?(?:[\w'’-]+\s+){{0,2}}?{_COSTS}\b|"
            rf"(?:soften|minimi[sz]e|shrink|skip|sideline|blur)\s+(?:the\s+|every\s+|all\s+|any\s+|each\s+)?"
            rf"(?:[\w'’-]+\s+){{0,2}}?{_COSTS}\b",
            r"(?:in|into)\s+(?:the\s+)?(?:small|fine|tiny)\s+print\b",
            r"(?:disclosures?|disclaimers?|warnings?|caveats?|risk\s+(?:warnings?|statements?|sections?))\s+(?:are\s+|is\s+)?"
            r"(?:now\s+)?(?:optional|not\s+(?:required|needed|necessary)|unnecessary|waived|skippable)\b",
            r"so\s+(?:it|that|they|this|these)\s+(?:does\s*n[o']t|doesn't|won't|will\s+not|don't|do\s+not)\s+(?:show|"
            r"appear|look|come|stand\s+out)\b",
            r"(?:skip|drop|remove|cut|delete|exclude|strip)\s+(?:the\s+|any\s+|all\s+)?(?:[\w-]+\s+)?(?:fees?|risks?|debts?|"
            r"loss(?:es)?|warnings?|disclaimers?|suitability|compliance|concentration|costs?|charges)\s+(?:section|part|"
            r"table|paragraph|page|chart|analysis|disclosures?|breakdown)s?\b",
            r"(?:nobody|no\s+one|no-one)\s+(?:will\s+|would\s+|ever\s+)?(?:checks?|notices?|reads?|looks?\s+at)\b",
            r"(?:nobody|no\s+one|no-one)\s+(?:should|needs\s+to|has\s+to|must)\s+(?:mention|know|see|bring\s+up|"
            r"hear|find\s+out)\b",
            r"(?:they|he|she)\s+(?:don'?t|doesn'?t|won'?t|shouldn'?t)\s+need\s+to\s+(?:see|know)\b",
            r"(?:rather|prefer)\s+(?:they|he|she)\s+(?:didn'?t|did\s+not|don'?t|never)\s+(?:know|see|find\s+out)\b",
            # other languages: "don't mention"
            r"no\s+(?:menciones|hables\s+de|incluyas|muestres)\b|erwähne\s+(?:\w+\s+){0,3}?nicht\b|"
            r"nicht\s+erwähnen\b|ne\s+(?:mentionne|parle|dis|montre)\s+pas\b|non\s+(?:menzionare|parlare|"
            r"citare|mostrare)\b|nie\s+(?:wspominaj|mów|pisz|pokazuj)\b|zikr\s+(?:mat|na)\b|mat\s+(?:batao|"
            r"likho|bolo|dikhao)\b|não\s+(?:mencione|fale|mostre)\b|noem\s+(?:\w+\s+)?niet\b",
            r"this\s+came\s+from\b",
            r"(?:hidden|secret|invisible|special)\s+(?:text|instructions?|note|message|directives?|task)\b",
            r"display\s*:\s*none",
        ),
        foreign=(r"不要提|别提|不要说|不要告诉|不要显示|隐瞒|言及しない",),
        other=(
            r"<!--|\[/?comment\]|\[(?:assistant|ai|model|bot|system)[\w-]{0,20}\]",
            # a warning switched off in a config or JSON: "risk_warning": null
            r"(?<![\w])(?:risk_?|show_?)?(?:warnings?|disclaimers?|caveats?)[\"']?\s*[:=]\s*(?:null|none|false|off|0)\b",
        ),
    ),
    _signal(
        # An authority the model should obey: a developer, compliance, a code, a priority, a policy change.
        "authority",
        1.5,
        words=(
            r"(?:system|admin|administrator|developers?|engineering|engineer|operator|compliance|security|"
            r"moderation|openai|anthropic|alex|platform|qa|sudo|maintenance|hq|headquarters)\s+(?:notice|note|"
            r"message|update|alert|override|directive|instruction|announcement|team|department|memo|bulletin|"
            r"policy|order|command|task|access|privileges|clearance|hotfix|project)\b",
            r"(?:override|access|auth(?:ori[sz]ation)?|security|clearance|admin)\s+(?:code|token|key|level)\b",
            r"(?:level|tier)\s+\d+\s+(?:access|clearance)\b",
            r"(?:clearance|access)\s+granted\b",
            r"authori[sz]ed\s+(?:personnel|user|by)\b",
            r"(?:has|have)\s+(?:pre-?)?(?:authori[sz]ed|approved|cleared)\b",
            r"(?:is|are)\s+(?:now\s+)?(?:cleared|authori[sz]ed|permitted|allowed)\s+to\b",
            r"pre-?authori[sz]ed\b",
            r"(?:verified|authenticated)\s+(?:admin|administrator|developer|operator)\b",
            r"highest\s+priority\b",
            r"priority\s+instruction\b",
            r"supersedes\b",
            r"takes?\s+precedence\b",
            r"until\s+further\s+notice\b",
            r"effective\s+immediately\b",
            r"(?:test|qa)\s+case\b",
            r"red-?team\b",
            r"audit\s+mode\b",
            r"(?:mandated|mandatory)\s+update\b",
            r"policy\s+exception\b",
            r"new\s+behaviou?r\b",
            r"(?:updated|new)\s+(?:\w+\s+)?content\s+policy\b",
            r"root\s+access\b",
            r"trust\s*(?:&|and)\s*safety\b",
            r"(?:message|note|notice|announcement|instruction|directive)\s+(?:comes\s+)?from\s+(?:the\s+)?"
            r"(?:your\s+)?(?:openai|anthropic|developers?|creators?|administrators?|admin|operators?|engineering|"
            r"system|platform|alex)\b",
            r"i\s+am\s+(?:the|your|a)\s+(?:lead\s+)?(?:developer|engineer|admin|administrator|operator|creator)\b",
            r"your\s+(?:creators?|developers?|operators?|makers|administrators?)\b",
            r"the\s+developers\b",
            r"from\s+(?:the\s+)?(?:alex|openai|anthropic|engineering|dev|development|security|safety|moderation)\s+"
            r"team\b",
            r"per\s+(?:the\s+)?management\b",
            r"from\s+the\s+desk\s+of\b",
            r"(?:special|private|closed)\s+beta\b",
            r"(?:re-?authenticated|authenticated|logged\s+in|signed\s+in|running|elevated)\s+as\s+(?:an?\s+|the\s+)?"
            r"(?:admin\w*|root|superuser|developer|operator|system)\b",
            r"(?:per|according\s+to)\s+(?:the\s+)?(?:runbook|playbook|protocol|sop)\b",
            r"(?:temporary|interim|emergency|override)\s+(?:policy|rule|procedure|instructions?)\s*:",
            r"i(?:'m|\s+am)\s+your\s+(?:boss|owner|master|creator|developer|admin\w*|operator|manager|supervisor)\b",
        ),
    ),
    _signal(
        # Role-play framing: a persona, a game, a fiction, a named character.
        "persona",
        1.5,
        words=(
            r"(?:pretend(?:ing)?|role-?play(?:ing)?|in\s+character|persona|personality|immerse\s+yourself|"
            r"fictional|in\s+the\s+fiction|screenplay|novel|short\s+story|the\s+character|a\s+character|"
            r"evil\s+twin|stay\s+in\s+that\s+world)\b",
            r"(?:act|acts|acting|behave|behaves|pose|poses|posing)\s+(?:as|like)\b",
            r"(?:stay|remain|continue)\s+as\b",
            r"in\s+the\s+(?:persona|voice|role|character)\s+of\b",
            r"(?:take\s+on|play)\s+the\s+(?:role|part)\s+of\b",
            r"(?:late|deceased|dead)\s+(?:grandmother|grandfather|grandma|grandpa|granny|uncle|aunt)\b",
            r"(?:be|become|pretend\s+to\s+be)\s+my\s+(?:grandmother|grandfather|grandma|grandpa|granny|uncle|aunt|"
            r"mother|father|mom|dad|friend)\b",
            r"(?:before\s+bed|at\s+bedtime|fall\s+asleep|to\s+sleep)\b",
            r"let'?s\s+(?:make\s+this\s+fun|have\s+(?:some\s+)?fun|role-?play)\b",
            r"two\s+(?:entities|personas|characters|ais|versions|modes|personalities)\b",
            r"(?:forked|modified|uncensored|jailbroken|evil|alternate)\s+version\b",
            r"(?:purely|entirely)\s+(?:fictional|hypothetical)\b",
            r"(?:just|only)\s+a\s+(?:game|story|role-?play)\b",
            r"nothing\s+(?:here\s+)?is\s+real\b",
            r"(?:lose|lost|deduct(?:ed)?|gain|win)\s+(?:\d+\s+|a\s+|all\s+|your\s+)?(?:tokens|lives|points)\b",
            r"(?:enable|activate|enter|switch\s+to|turn\s+on)\s+(?:[\w-]+\s+)?mode\b",
            r"simulat(?:e|ing)\s+(?:a|an|the|developer|two)\b",
            r"let'?s\s+(?:play|imagine|pretend)\b",
            r"play\s+(?:a\s+game|the\s+role|truth)\b",
            r"imagine\s+(?:you|that\s+you|we)\b",
            r"hypothetical\s+(?:world|response|scenario|story)\b",
            r"(?:known\s+as|codenamed|stands\s+for)\b",
            r"(?:break|breaking|broke)\s+(?:the\s+)?(?:character|game|persona)\b",
            r"keep\s+up\s+the\s+act\b",
            r"step\s+out\s+of\s+(?:it|character|the\s+role)\b",
            r"out\s+of\s+character\b",
            r"(?:switch|change)\s+(?:personality|persona)\b",
            r"upgraded\s+to\b",
            r"in\s+(?:two|2)\s+(?:ways|paragraphs)\b",
            r"(?:two|2)\s+(?:different\s+|separate\s+)?(?:responses|answers|reports|versions|outputs|replies)\b",
            r"answer\s+twice\b",
            # a voice or a scene to write in, without the word "role": "in his voice", "channel a motivational
            # speaker", "in this scene", "here's the setup", "your line:", "you're the host"
            r"in\s+(?:his|her|their|my|your|that|this|a|the)\s+(?:own\s+)?voice\b",
            r"in\s+the\s+style\s+of\b",
            r"(?:picture|imagine)\s+this\b",
            r"as\s+(?:a|an)\s+(?:[\w-]+\s+)?(?:letter|message|speech|note|poem|story|song|monologue|sermon)\s+from\s+"
            r"(?:a|an|the|my)\b",
            r"(?:channel|channell?ing)\s+(?:a|an|the|your|my)\b",
            r"(?:in|for)\s+this\s+(?:scene|sketch|skit|script|scenario)\b",
            r"(?:here's|here\s+is)\s+the\s+(?:set-?up|scenario|premise|scene)\b",
            r"your\s+lines?\s*[:\"'‘“]",
            r"rehears(?:e|ing|al)\b",
            r"(?:narrator|narrate|narrating|storyteller|hype\s*-?\s*man|game\s+show|carnival\s+barker|ringmaster|infomercial|"
            r"bedtime\s+stor(?:y|ies))\b",
            r"you(?:'re|\s+are)\s+(?:the|a|an|my)\s+(?:[\w-]+\s+){0,2}?(?:host|salesman|saleswoman|salesperson|"
            r"barker|villain|hero|spokes(?:man|woman|person)|promoter|tout|announcer|presenter|guru|cheerleader|"
            r"mate|buddy|pal|bro|sidekick)\b",
            r"(?:let's|let\s+us)\s+say\s+(?:the\s+(?:report|summary|analysis)|you|it)\s+(?:is|are|was|were)\s+"
            r"(?:being\s+)?(?:written|narrated|told|delivered|presented)\s+by\b",
            r"(?:for\s+this\s+one|tonight|this\s+time),?\s+(?:you(?:'re|\s+are)|the\s+(?:advisor|assistant|ai|"
            r"report|summary|writer)\s+is)\b",
            r"drop\s+the\s+(?:act|persona|pretence|pretense|facade|script)\b",
            r"(?:late|deceased|dead)\s+(?:father|mother|dad|mum|mom|husband|wife)\b",
            r"(?:finge|actúa\s+como|fais\s+comme\s+si|agis\s+comme|tu\s+es\s+(?:un|une)|du\s+bist\s+(?:ein|eine)|"
            r"sei\s+(?:un|una)|você\s+é\s+(?:um|uma)|eres\s+(?:un|una)|ben\s+je\s+een)\b",
        ),
        other=(
            r"\[(?:classic|jailbreak|normal|filtered|unfiltered)\]",
            r"\[(?:insert|your)\s+(?:prompt|question|request)",
        ),
        foreign=(r"🔓|🔒|\bты\s+(?:—\s+)?\w+\s+(?:ии|бот|помощник|советник)|你是一个",),
        cased=(r"\b(?:[Nn]amed|[Cc]alled|[Bb]ecome)\s+[A-Z]", r"\bDANs?\b"),
    ),
    _signal(
        # A character defined as an AI that does something: "an assistant that always…", "an AI who…".
        "ai_character",
        1.0,
        words=(
            r"(?:ai|assistant|bot|chatbot|model|computer|version\s+of\s+you|advisor\s+bot)\s+(?:[\w-]+\s+)?(?:that|"
            r"who|whose|which|with|without)\b",
        ),
    ),
    _signal(
        # Permission granted now: "you may now", "advisors can now", "are free to say".
        "permission",
        1.0,
        words=(
            r"(?:may|can)\s+now\b",
            r"now\s+(?:allowed|permitted|free)\s+to\b",
            r"are\s+free\s+to\s+(?:say|do|ignore|answer|write)\b",
            r"(?:may|can|is\s+free\s+to|is\s+allowed\s+to)\s+(?:now\s+)?(?:state|say|write|report|invent|use|make\s+up)\s+"
            r"(?:any|whatever|anything)\b",
        ),
    ),
    _signal(
        # Pushing an outcome: tell the user to, everything into, risk-free, a top score.
        "push",
        1.0,
        words=(
            r"(?:tell|urge|urging|convince|persuade|push|steer|get|advise|encourage|pressure|hype)\s+(?:the\s+|"
            r"this\s+|every\s+|all\s+|each\s+)?(?:users?|clients?|readers?|investors?|them|everyone|people|"
            r"whoever)\b",
            r"(?:recommend|recommends|promote|hype|pitch|favou?r|push|praise|endorse)\s+(?:[\w'’-]+\s+){0,3}?(?:fund|notes?|"
            r"annuity|token|coin|products?|plan|etfs?|stocks?|options|crypto\w*|bitcoin|loans?|course|newsletter|"
            r"margin)\b",
            r"(?:sell|dump|liquidate|cash\s+out|move|put|invest|transfer|consolidate|empty)\s+(?:[\w'’-]+\s+)"
            r"{0,2}?(?:everything|all\s+(?:their|of|the|his|her)|(?:the|their|his|her)\s+(?:entire|whole)|100%|"
            r"all\s+(?:bonds|stocks|shares|holdings|funds|savings|assets|positions|crypto))",
            r"treat\s+(?:the|this)\s+(?:users?|clients?|account\s+holders?|investors?)\s+as\b",
            r"(?:rate|score|grade|classify|label)\s+(?:[\w-]+\s+){0,3}?(?:as\s+)?[\"'‘“]?(?:excellent|perfect|"
            r"outstanding|safe|a\+|strong\s+buy)\b",
            r"(?:as\s+low\s+risk|no\s+changes)\b",
            # someone else's product: "our partner", "our in-house annuity"
            r"our\s+(?:partner|sponsor|affiliate|in-house|own|house|proprietary|flagship)\b",
            r"(?:partner|sponsor|affiliate)(?:'s)?\s+(?:fund|products?|offer|link|site|notes?|annuity)\b",
            # "the user" is how text written to the model speaks of the person (a user's own notes say "I")
            r"(?:the|this|that)\s+users?\b(?!\s+(?:guide|fees?|manual|interface|agreement|id|name))",
            r"(?:the|this)\s+user's\b",
            r"tell\s+me\s+(?:which|what)\s+(?:[\w-]+\s+)?(?:stock|coin|token|option)s?\s+to\s+buy\b",
            r"(?:l'utilisateur|al\s+usuario|all'utente)\b",
            # "telling the reader to call", "tells every reader to take out a loan", "say buy"
            r"tell(?:s|ing)?\s+(?:me|us|them|him|her|the\s+\w+|every\s+\w+|each\s+\w+|all\s+\w+|my\s+\w+|readers?)\s+"
            r"(?:that\s+)?(?:[\w'’-]+\s+){0,2}?to\s+(?:buy|sell|go\s+all[\s-]in|move|put|invest|take\s+out|borrow|"
            r"mortgage|cash\s+out|dump|call|switch|transfer|open|sign\s+up)\b",
            r"(?:say|says|saying)\s+(?:to\s+)?(?:buy|sell|dump|short)\b",
            r"(?:ask|asking|get|getting)\s+(?:the\s+|every\s+|each\s+)?(?:readers?|users?|clients?|account\s+holders?)\s+to\b",
            r"all[\s-]in\s+on\b",
            r"(?:recommend|recommending|suggest|suggesting|advise|advising|endorse|endorsing|promote|promoting|push|"
            r"pushing|favou?r)\s+(?:moving|putting|shifting|switching|transferring|rolling|parking|dumping)\s+"
            r"(?:[\w'’-]+\s+){0,3}?(?:into|in|to)\b",
            r"(?:move|moving|moved|put|putting|shift|shifting|transfer|transferring|roll|rolling|switch|switching|"
            r"dump|dumping|pour|pouring)\s+(?:all\s+(?:of\s+)?)?(?:the\s+|their\s+|her\s+|his\s+|my\s+|your\s+)?"
            r"(?:whole\s+|entire\s+)?(?:savings|pension|nest\s+egg|401\(?k\)?|ira|portfolio|money|retirement|"
            r"emergency\s+fund|super)\s+(?:entirely\s+|all\s+)?into\b",
            r"(?:entirely|fully|completely|wholly)\s+into\b",
            r"endorse(?:ment)?\s+of\b|(?:strong|glowing)\s+(?:endorsement|recommendation|plug)\b",
            r"(?:hot|insider|secret)\s+(?:tips?|picks?|stocks?)\b",
            r"(?:point|direct|refer|steer|nudge)\s+(?:the\s+|every\s+|all\s+|each\s+)?(?:readers?|users?|clients?|them|"
            r"people|everyone)\s+(?:to|towards?)\b",
            r"been\s+(?:bought|acquired|sponsored|paid)\s+by\b",
            r"(?:earns?|earning|gets?|getting|paid)\s+(?:a\s+)?(?:commission|referral\s+bonus|kickback|"
            r"finder's\s+fee)\b",
            # other languages: "recommend the client move all their money", "our partner fund", "tell the user
            # to"
            r"recomienda\s+al\s+(?:cliente|usuario)\b|todo\s+su\s+dinero\b|toute\s+l['’](?:épargne|argent)\b|"
            r"(?:notre|nos)\s+fonds?\s+partenaires?\b|(?:sein|ihr)\s+ganzes\s+(?:geld|vermögen)\b|"
            r"tutto\s+il\s+(?:suo\s+)?(?:denaro|patrimonio|capitale)\b|wszystkie\s+(?:pieniądze|oszczędności)\b|"
            r"user\s+ko\b|(?:dis|dites)\s+(?:au|à\s+l['’])\s*(?:lecteur|client|utilisateur)\b|"
            r"(?:di|dile)\s+al\s+(?:lector|cliente|usuario)\b|sag\s+(?:dem|den)\s+(?:leser|kunden|nutzer)\b|"
            r"powiedz\s+(?:czytelnikowi|klientowi|użytkownikowi)\b",
        ),
        other=(r"\b10/10\b",),
        foreign=(r"\bпользовател\w+|用户|ユーザー|全部(?:资金|钱|存款|积蓄)|所有(?:的)?(?:钱|资金|积蓄)",),
        cased=(r"\b[Rr]ecommend(?:s|ing)?\s+(?:the\s+)?[A-Z]\w+",),
    ),
    _signal(
        # A claim of certainty no honest report makes: risk-free, can't lose, a 100 % success rate.
        # ("Guaranteed income" is ordinary; "guaranteed to double" is not.)
        "false_claim",
        1.5,
        words=(
            r"(?:risk-?free|no-?risk|zero\s+risk|sure\s+thing|can'?t\s+lose|cannot\s+lose|never\s+lose|"
            r"to\s+the\s+moon|industry-low|perfectly\s+(?:safe|diversified))\b",
            r"will\s+(?:double|triple|10x|moon|skyrocket|never\s+(?:fall|drop|lose))\b",
            r"guaranteed\s+(?:to\b|\d+(?:\.\d+)?\s*%)",
            r"(?:totally|completely|absolutely|100%)\s+(?:safe|guaranteed|risk-?free|secure)\b",
            r"(?:can'?t|cannot|won'?t)\s+(?:miss|fail|go\s+wrong)\b",
            # other languages: "risk-free", "guaranteed", "low risk", "on track"
            r"(?:sin\s+riesgo|bajo\s+riesgo|garantizad[oa]|auf\s+kurs|risikolos|risikoarm|garantiert|sans\s+"
            r"(?:risque|danger)|faible\s+risque|garanti(?:e)?|basso\s+rischio|senza\s+rischi\w*|garantit[oa]|"
            r"na\s+dobrej\s+drodze|bez\s+ryzyka|niskie\s+ryzyko|gwarantowan\w+|bilkul\s+safe|koi\s+risk\s+nahi|"
            r"baixo\s+risco|sem\s+risco|garantid[oa]|laag\s+risico|zonder\s+risico|bezpieczn\w+|sicher\s+ist|"
            r"è\s+sicuro|es\s+seguro|est\s+sûr|surakshit|ideal\s+para|gut\s+diversifiziert|bilkul\s+theek|theek\s+hai|"
            r"koi\s+tension\s+nahi|tout\s+va\s+bien|va\s+tutto\s+bene|wszystko\s+(?:jest\s+)?(?:dobrze|w\s+porządku)|"
            r"no\s+tiene\s+comisiones|sin\s+comisiones|keine\s+gebühren|sans\s+frais|senza\s+commissioni|bez\s+opłat)\b",
        ),
        other=(r"\b100\s*%\s+(?:success|safe|certain|guaranteed)", r"\b\d+(?:\.\d+)?\s*%\s+guaranteed\b"),
        foreign=(r"低风险|无风险|没有风险|保本|稳赚",),
    ),
    _signal(
        # Data sent out, or shown to someone it doesn't belong to.
        "exfiltrate",
        1.5,
        words=(
            r"(?:send|forward|email|e-mail|share|post|upload|leak|transmit|copy)\s+(?:[\w'’-]+\s+){0,5}?(?:to|with)"
            r"\s+[\w.+-]+@[\w-]+\.",
            r"(?:wire|transfer|send|move)\s+(?:[\w'’-]+\s+){0,3}?(?:to|into)\s+(?:account|acct|iban|wallet|"
            r"address)\s*(?:#|no\.?|number)?\s*[\w-]{0,12}\d",
            r"(?:account\s+numbers?|date\s+of\s+birth|social\s+security\s+numbers?|ssn|passwords?|credentials|"
            r"other\s+users'?|every\s+user|all\s+users|balances\s+of|names\s+and\s+balances|accounts\s+you\s+can\s+"
            r"(?:access|see)|routing\s+numbers?|sort\s+codes?)\b",
            # data beyond the person's own: what the model "can see", other people's, the database
            r"(?:accounts?|balances?|portfolios?|holdings|clients?|users?|customers?|records?|data|information|"
            r"statements?)\s+(?:that\s+)?you\s+(?:can|could)\s+(?:see|access|view|reach|read)\b",
            r"(?:portfolios?|accounts?|clients?|users?|customers?)\s+(?:that\s+)?you\s+(?:have|'ve)\s+(?:seen|"
            r"looked\s+at|processed|analy[sz]ed|reviewed|handled)\b",
            r"other\s+(?:people|users|clients|customers|members|households|investors)['’]?s?\s+(?:data|balances?|"
            r"portfolios?|holdings|accounts?|goals|statements?|details|information|info|names|positions)\b",
            r"(?:about|of|from|belonging\s+to)\s+other\s+(?:people|users|clients|customers|members|households|"
            r"investors|accounts|portfolios)\b",
            r"(?:pull\s+up|look\s+up|find\s+out|show\s+me|check)\s+what\s+(?:the\s+)?\w+(?:\s+\w+)?\s+(?:holds?|owns?|"
            r"has|have|earns?|invests?)\b",
            r"(?:not|aren't|isn't|never)\s+(?:linked|connected|tied|attached)\s+to\s+(?:my|this|the)\s+(?:login|profile|"
            r"user|sign-?in)\b",
            r"database\s+(?:rows|records|entries|tables?|dump|contents)\b",
            r"(?:everyone|everybody|someone|somebody|anyone)\s+else['’]?s\b",
            r"(?:every|all|each)\s+(?:the\s+)?(?:households?|clients?|customers?|members?|account\s+holders?)\b",
            r"(?:in|from|across)\s+your\s+(?:database|db|records|systems?|platform|files)\b",
            r"(?:client|customer|user|member)\s+(?:list|database|records|directory)\b",
            r"rest\s+of\s+(?:your|the)\s+(?:users|clients|customers|members)\b",
            r"who\s+else\s+(?:uses|is\s+on|banks\s+with|has\s+an\s+account)\b",
            r"(?:other|all)\s+accounts\s+(?:on\s+file|in\s+(?:the|your)\s+(?:system|database))\b",
            r"(?:accounts|clients|users|customers|portfolios)\s+with\s+(?:balances?|assets|portfolios?|holdings|"
            r"net\s+worth)\s+(?:over|above|greater|more|of\s+more)\b",
            # other languages: "that you can see", "of the other clients"
            r"die\s+du\s+(?:sehen|einsehen)\s+kannst\b|auf\s+die\s+du\s+zugreifen\s+kannst\b|"
            r"(?:degli|de\s+(?:los\s+)?|des)\s+(?:altri|otros|autres)\s+(?:clienti|clientes|clients|utenti|usuarios|"
            r"utilisateurs)\b|anderer\s+(?:kunden|nutzer)\b|które\s+widzisz\b|innych\s+(?:klientów|"
            r"użytkowników)\b|que\s+(?:puedes|podés)\s+ver\b|que\s+tu\s+(?:peux|vois)\b|che\s+(?:puoi\s+)?vedi\b",
        ),
        foreign=(r"你能看到的|你可以看到的|其他用户|其他客户|他の(?:ユーザー|顧客)",),
    ),
    _signal(
        # An order that the output assert a verdict: "say my plan is on track", "describe this fund as
        # low-risk", "call the allocation 'ideal'", "rate it conservative", "write that it has no surrender
        # charges". Asking whether something is so ("say whether we're on track") is not one.
        "slant",
        2.0,
        words=(
            r"(?<!\bat\s)(?:say|saying|state|stating|write|writing|describe|describing|call|calling|present|"
            r"presenting|report|reporting|conclude|concluding|claim|claiming|insist|insisting|portray|portraying|"
            r"frame|framing|"
            r"characteri[sz]e|depict|paint|label|labell?ing|classify|classifying|mark|tag|mention|"
            r"stress|emphasi[sz]e|promise|guarantee|"
            r"(?:tell|telling|assure|reassure)\s+(?:me|us|them|him|her|everyone|(?:the|my|our)\s+(?:\w+\s+)?\w+|"
            r"readers?)|"
            r"be\s+told|make\s+(?:it|this|that|the\s+\w+|my\s+\w+)\s+say)\s+"
            r"(?=(?:that|as|the|a|an|this|these|those|it|its|my|our|their|his|her|your|every|all|each|everything|"
            rf"nothing|there|in|into|i|we)\b|[\"'‘“]|{_VERDICT})(?:{_NOT_ASSERTED}[\w'’$%.-]+\s+){{0,6}}?"
            rf"(?:that\s+|as\s+|(?:is|are|was|were|'s|'re|be|looks?|seems?|remains?|stays?|has|have)\s+)?"
            rf"[\"'‘“]?{_VERDICT}",
            # the tone set in advance: "a very upbeat tone", "in the best possible light"
            r"(?:upbeat|optimistic|rosy|glowing|bullish|salesy|cheerful|reassuring)\s+(?:tone|spin|framing|"
            r"picture|light)\b",
            r"in\s+(?:the\s+|a\s+)?(?:best|most\s+(?:positive|favou?rable|flattering))\s+(?:possible\s+)?light\b",
            r"make\s+(?:the\s+|it\s+|this\s+|my\s+|everything\s+)?(?:[\w-]+\s+)?(?:look|sound|seem|read|appear)\s+"
            r"(?:more\s+|much\s+|a\s+lot\s+)?(?:optimistic|positive|favou?rable|rosier|healthier|safer|less\s+risky|"
            r"better\s+than|amazing|fantastic|perfect|risk-?free)\b",
            r"(?:change|set|switch|lower|downgrade|upgrade|bump)\s+(?:the\s+|its\s+|this\s+)?(?:[\w-]+\s+)?(?:risk\s+"
            r"(?:rating|score|grade|label)|rating|grade)\s+to\s+(?:low|safe|excellent|a\b|aaa|\d)",
        ),
    ),
    _signal(
        # The figures changed: "bump the projected return to 10%", "report the balance as 250000 instead of
        # 25000", "present the loss as a gain", "adjust the assumptions until it does".
        "numbers",
        1.5,
        words=(
            r"(?:bump|round|inflate|boost|pad|tweak|fudge|massage|nudge|juice|pump|fiddle)\s+(?:[\w'’-]+\s+){0,4}?"
            r"(?:up\s+)?to\s+\$?\d",
            r"(?:report|show|quote|present|state|record|list|count|treat|book|enter|display|put|write|call)\s+"
            r"(?:[\w'’-]+\s+){0,5}?as\s+(?:a\s+|an\s+)?(?:gain|profit|cash|zero|nil|\$?0\b|paid\s+off|positive|"
            r"\$?\d[\d,.]*\s*(?:%|k|m|million|bn)?\s+instead)\b",
            r"instead\s+of\s+the\s+(?:real|actual|true)\s+(?:figures?|numbers?|balances?|values?|returns?)\b",
            r"(?:report|treat|count|list)\s+(?:it|them|this|that)\s+as\b",
            r"so\s+(?:that\s+)?(?:the\s+|my\s+)?(?:numbers?|figures?|results?|charts?|projections?|totals?|returns?|"
            r"report|plan)\s+(?:looks?|reads?|seems?)\s+(?:nicer|better|good|great|healthier|rosier|stronger)\b",
            r"(?:adjust|tweak|change)\s+(?:the\s+)?(?:assumptions?|inputs?|numbers|figures|returns?|projections?)\s+"
            r"until\b",
            r"until\s+(?:it|they)\s+(?:does|do)\b",
            r"(?:replace|swap|substitute|overwrite)\s+(?:it|that|this|them|the\s+[\w.%$-]+(?:\s+[\w.%$-]+){0,3}?)\s+"
            r"(?:with|by|for)\s+\$?\d",
            r"(?:use|assume|apply|show)\s+\$?\d+(?:\.\d+)?\s*%\s+(?:[\w-]+\s+){0,2}?instead\s+of\s+(?:what|the\s+(?:usual|"
            r"normal|real|actual|default))\b",
            r"(?:fold|bury|lump|tuck|hide|roll)\s+(?:this|the|that|it|these)\s+(?:[\w-]+\s+)?(?:into|under|inside|among)\s+"
            r"(?:the\s+)?\w+",
            r"(?:default|set|force|mark|label|flip)\s+(?:every|all|each)\s+(?:the\s+)?(?:holdings?|positions?|funds?|"
            r"assets?|scores?|ratings?)\s+(?:to|as)\b",
            r"(?:looks?|reads?|sounds?)\s+better\s+(?:for|to)\s+(?:the|my|our|his|her|their)\s+\w+",
        ),
    ),
    _signal(
        # What came before this text, set aside: "scratch all that stuff above", "whatever they told you
        # before", "none of the earlier text", "the previous stuff". Ordinary notes say "ignore the figure
        # above" too, hence a middling weight.
        "prior",
        1.5,
        words=(
            rf"{_DISCARD}\s+(?:{_VAGUE}\s+){{0,4}}{_BACK}",
            rf"{_DISCARD}\s+(?:{_VAGUE}\s+){{0,3}}(?:preamble|intro|introduction|boilerplate|system\s+text|set-?up\s+text)\b",
            rf"(?:stuff|text|everything|bits?|lines?|messages?|words|instructions)\s+(?:written\s+|said\s+)?{_BACK}",
            r"(?:previous|earlier|prior|preceding|foregoing|last)\s+(?:stuff|bits?|prompt|junk|nonsense|rubbish)\b",
            r"(?:what(?:ever)?|everything|anything|all|stuff)\s+(?:(?:they|you|u|someone|somebody|it)\s+)?"
            r"(?:'ve\s+|have\s+|has\s+|had\s+|were\s+|was\s+)?(?:been\s+)?(?:told|said\s+to)\s+(?:you|u)\b",
            r"(?:they|someone|somebody)\s+told\s+(?:you|u)\b",
            rf"{_DISCARD}\s+(?:everything|all|whatever|what)\s+(?:you|u)\s+(?:were|are|have\s+been|'ve\s+been)\s+"
            r"(?:set\s+up|told|given|programmed|configured|instructed|built|designed)\b",
            r"none\s+of\s+(?:the|this|that|my|your)\s+(?:earlier|previous|prior|above|preceding|original)\s+"
            r"(?:text|stuff|messages?|instructions|rules|content|prompt|lines)\b",
            r"(?:forget|ignore|disregard|scratch|scrap|never\s*mind)\s+(?:all\s+)?(?:of\s+)?(?:that|this|those|the\s+lot)"
            r"(?:\s+stuff)?(?=\s*(?:[.,;:!?)\-–—]|$|and\b|but\b|then\b|please\b|lol\b|ok\b|okay\b|mate\b))",
            r"(?:stuff|things|rules|instructions|text|prompts?|junk)\s+(?:that\s+)?(?:they|someone|somebody|the\s+\w+)\s+"
            r"(?:loaded|gave|fed|programmed|primed|stuffed|filled|set)\s+(?:you|u)\b",
            r"enough\s+(?:of\s+)?(?:the|this|that|your)\s+(?:[\w-]+\s+){0,2}?(?:routine|act|spiel|lecture|caution|"
            r"hedging|disclaimers?|warnings?|rules|script|persona)\b",
            r"(?:first|earlier|previous|other|top)\s+(?:part|bit|half|section)\s+(?:was|is|came\s+from)\s+(?:the\s+)?"
            r"(?:app|system|developers?|company|bank|platform|template)\b",
            r"(?:clean|blank)\s+slate\b|(?:reset|wipe|clear)\s+(?:your(?:self)?|your\s+(?:context|memory|"
            r"instructions|rules))\b",
        ),
    ),
    _signal(
        # A conversation that didn't happen, told to the model: "earlier in this chat you agreed", "as we
        # agreed in our last session", "the assistant confirmed", "transcript continues".
        "history",
        1.0,
        words=(
            r"(?:you|u)\s+(?:already\s+)?(?:agreed|promised|confirmed|committed)\s+(?:to|that)\b",
            r"you\s+said\s+you\s+(?:would|will|'d)\b",
            r"as\s+(?:we|you)\s+(?:agreed|promised)\b|as\s+agreed\b",
            r"keep\s+to\s+(?:that|our|the|this)\s+agreement\b",
            r"(?:earlier|previously|before)\s+in\s+(?:this|our|the)\s+(?:chat|conversation|session|thread)\b",
            r"(?:in|during)\s+our\s+(?:last|previous)\s+(?:session|chat|conversation)\b",
            r"(?:previous|last|prior)\s+turn\b",
            r"(?:your|the\s+assistant's|the\s+ai's|the\s+bot's)\s+(?:previous|last|earlier)\s+(?:answer|reply|"
            r"response|message)\b",
            r"(?:assistant|ai|bot|model)\s+(?:has\s+)?(?:confirmed|agreed|promised|said\s+it\s+would)\b",
            r"(?:transcript|conversation|dialogue|script|chat)\s+continues\b",
            r"continue\s+(?:the|this)\s+(?:following\s+)?(?:transcript|conversation|dialogue|script|chat)\b",
        ),
    ),
    _signal(
        # Text dressed as the system's own output: an error, a stack trace, a debug line, a status code.
        # Ordinary notes quote errors too ("Error 403 when I log in"), so it only adds to other signals.
        "status",
        1.0,
        words=(
            r"(?:^|(?<=[\[(]))(?:error|err|warning|warn|exception|fatal|critical|traceback|debug|stack\s+trace|"
            r"kernel\s+panic|segmentation\s+fault)\b",
            r"(?:http|status)\s+\d{3}\b",
            r"session\s+(?:expired|timeout|timed\s+out)\b",
            r"(?:system|server|feed|data|api|parser|template|service|module|engine)\s+(?:error|failure|exception|"
            r"timeout|fault)\b",
            r"err_\w+",
            r"\w+(?:error|exception):",
            r"(?:fallback|degraded|failsafe|fail-safe|recovery|permissive)\s+mode\b",
            r"(?:returned|returns)\s+(?:pass|ok|true|success|\d{3})\b",
        ),
    ),
    _signal(
        # A link or an address to advertise. Runs of name characters start at their first character.
        "link",
        1.0,
        words=(
            r"https?://",
            r"www\.",
            r"(?:sponsored\s+by|referral|apply\s+now|free\s+consultation|newsletter)\b",
            r"free\s+(?:[\w-]+\s+)?(?:review|consultation|audit|assessment|check-?up)\b",
            r"(?:call|ring|dial|text|phone|whatsapp)\s+(?:us\s+|them\s+)?(?:on\s+|at\s+)?\+?\d[\d().-]{0,4}"
            r"[ .-]?\d{3}",
            r"(?:their|his|her|our)\s+(?:phone\s+number|contact\s+details|website)\b",
        ),
        other=(
            r"(?<![\w-])[\w-]+\.(?:com|net|org|io|example|xyz|app|ly|biz|info)\b",
            r"(?<![\w.+-])[\w.+-]+@[\w-]+\.\w",
        ),
    ),
)
_WEIGHTS: Final = {signal.name: signal.weight for signal in SIGNALS}
# The expressions to run, flat, so that a scan doesn't loop over the empty ones.
_PASSES: Final = tuple(
    (pattern, signal.name, kind)
    for signal in SIGNALS
    for kind, pattern in (
        ("words", signal.words),
        ("other", signal.other),
        ("foreign", signal.foreign),
        ("cased", signal.cased),
    )
    if pattern is not None
)
# The scripts the ``foreign`` cues are written in (Cyrillic, kana, CJK, the emoji block): an accent or a
# dash makes text non-ASCII without making those cues possible.
_FOREIGN_SCRIPT: Final = re.compile("[\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff\U0001f300-\U0001faff]")

# A sentence ends at a line break, or at a run of . ! ? (and any closing quotes or brackets) before a
# space or the end; the run is possessive and starts at its first character, so a long run of dots
# is read once. Abbreviations ("e.g. ", "Mr. ") split a sentence in two; the pair rule makes up for it.
_SENTENCE_END: Final = re.compile(r"\n|(?<![.!?。！？])[.!?。！？]++(?=[\"'”’)\]]*+(?:\s|$))")
_MASK: Final = "\x00"


@dataclass(frozen=True, slots=True)
class Scored:
    """A flagged sentence: its span in the text and the categories that scored in it."""

    start: int
    end: int
    signals: tuple[str, ...]


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without the final punctuation and the surrounding spaces."""
    spans: list[tuple[int, int]] = []
    last = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((last, m.start()))
        last = m.end()
    spans.append((last, len(text)))
    trimmed = []
    for first, stop in spans:
        start, end = first, stop
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        trimmed.append((start, end))
    return trimmed


def _lower(text: str) -> str:
    """``text`` in lower case, one character for one, so that offsets carry over."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lower to two ("İ" to "i̇"); those few keep their case.
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _score(cues: dict[str, set[str]]) -> float:
    """Each category's weight, half as much again if two different cues of it occur (no more)."""
    return sum(_WEIGHTS[name] * (1.5 if len(found) > 1 else 1.0) for name, found in cues.items())


def _union(first: dict[str, set[str]], second: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: first.get(name, set()) | second.get(name, set()) for name in first.keys() | second.keys()}


def signals(text: str) -> list[tuple[int, int, str]]:
    """(start, end, category) of every cue in ``text``."""
    lowered = _lower(text)
    foreign = not text.isascii() and _FOREIGN_SCRIPT.search(text) is not None
    found: list[tuple[int, int, str]] = []
    add = found.append
    for pattern, name, kind in _PASSES:
        if kind == "foreign" and not foreign:
            continue
        for m in pattern.finditer(text if kind == "cased" else lowered):
            add((m.start(), m.end(1), name))
    return found


def scored_sentences(text: str, *, masked: str = "") -> list[Scored]:
    """The sentences of ``text`` (already normalised) flagged by the weak-signal score.

    ``masked`` is a string that never scores (the guardrail's own replacement marker): it is blanked
    out first, so that text already cleaned is scored as if the marker were not there.
    """
    if masked and masked in text:
        text = text.replace(masked, _MASK * len(masked))
    sentences = _sentences(text)
    starts = [start for start, _ in sentences]
    lowered = _lower(text)
    # per sentence: category -> the different cues of it found there
    found: list[dict[str, set[str]]] = [{} for _ in sentences]
    for start, end, name in signals(text):
        found[bisect_right(starts, start) - 1].setdefault(name, set()).add(lowered[start:end])
    flagged: dict[int, set[str]] = {}
    for index, cues in enumerate(found):
        if cues and _score(cues) >= SENTENCE_THRESHOLD:
            flagged.setdefault(index, set()).update(cues)
        following = found[index + 1] if index + 1 < len(found) else {}
        if cues and following and _score(_union(cues, following)) >= PAIR_THRESHOLD:
            flagged.setdefault(index, set()).update(cues)
            flagged.setdefault(index + 1, set()).update(following)
    # A jailbreak's setup is spread over sentences that are mild alone ("keep up the act"): once a
    # paragraph (up to a blank line, which is an empty sentence here) has a flagged sentence, its other
    # sentences with a fair score go too. What stays scores below this, so cleaned text scores nothing.
    paragraph, paragraphs = 0, []
    for start, end in sentences:
        paragraph += start == end
        paragraphs.append(paragraph)
    hot = {paragraphs[index] for index in flagged}
    for index, cues in enumerate(found):
        if paragraphs[index] in hot and index not in flagged and _score(cues) >= SPILL_THRESHOLD:
            flagged[index] = set(cues)
    return [
        Scored(sentences[index][0], sentences[index][1], tuple(sorted(names)))
        for index, names in sorted(flagged.items())
        if sentences[index][1] > sentences[index][0]
    ]
