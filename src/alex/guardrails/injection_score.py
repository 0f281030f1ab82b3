"""Weak signals of text addressed to the model, summed per sentence: the guardrail's second detector.

The patterns in ``injection_patterns`` each recognise one phrasing. Jailbreaks in the wild rarely
repeat a phrasing, but they share a structure: they talk *to the model* ("you are now", "respond
as", "stay in character", "before you answer"), about *its* rules and output ("your programming",
"the report must", "say that"), claim it is unrestricted ("no filters", "developer mode",
"amoral"), invoke an authority it should obey ("compliance directive", "access granted"), hide
from the user ("the user won't see this", "be subtle") or push an outcome ("tell the user to",
"risk-free", an address to send data to). Any one of these is ordinary in finance text ("act as
your own CFO", "unrestricted cash", "compliance notice", "guaranteed income"); several in the
same sentence, or in two neighbouring ones, are not.

So each ``Signal`` is a category of cues with a weight. A sentence scores the sum of the weights
of the categories that occur in it: each category once, half as much again if a second, different
cue of it occurs (so repeating a word adds nothing, and one cue never reaches a threshold alone). A
sentence scoring at least ``SENTENCE_THRESHOLD`` is flagged; so are two neighbours whose categories
together reach ``PAIR_THRESHOLD`` (a persona set up in one sentence and given its task in the next).
Once a paragraph has a flagged sentence, its other sentences scoring ``SPILL_THRESHOLD`` or more go
too: a role-play's setup is spread over sentences that are mild alone ("keep up the act").

The categories, weights and thresholds were set on the two labelled corpora in the tests (the
second written for the purpose), against finance text that uses the same words; on ordinary text
no sentence there scores above 2.5, against a threshold of 3. Two things keep the score from
flagging what a user legitimately writes to the report writer ("in the summary, show the fees in
dollars"): a mention of the output and an instruction about it are one category, not two, and
what makes a goal hijack is its payload (a false claim, someone else's product, hiding something
from the user), which has categories of its own.

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
        name, weight, _compile(words, r"\b(?=[^\W\d_])"), _compile(other), _compile(foreign), _compile(cased)
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
    r"sections?)"
)
_RULES_NOUN = (
    r"(?:instructions?|rules|rulez|guidelines|guidlines|prompts?|programming|training|directives?|"
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
            r"(?:i\s+want|i'd\s+like|i\s+would\s+like|i\s+need)\s+you\s+to\s+(?:act|be|pretend|play|become|"
            r"simulate|answer|respond|reply|output|print|write|ignore|forget|reveal|stop|imagine|tell)\b",
            r"(?:respond|reply|answer|speak|talk|write)\s+(?:only\s+)?(?:as|like)\s+(?!if\b|soon\b|usual\b|"
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
            rf"(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai\s+)?{_AI}s?\s+(?:processing|reading|summari[sz]ing|"
            r"using|writing|generating|only)\b",
            rf"{_AI}\s+(?:reading|processing|summari[sz]ing|using|parsing)\s+(?:this|these|my|the)\b",
            r"if\s+(?:you(?:'re|\s+are)\s+(?:an?\s+)?(?:ai|model|assistant|bot|llm|reading)|an?\s+(?:ai|model|"
            r"assistant|bot|llm)\s+is\s+(?:reading|summari[sz]ing|processing))\b",
            r"whoever\s+(?:is\s+)?(?:reading|writing|summari[sz]ing|processing|generating|reads|writes|"
            r"summari[sz]es|processes)\b",
            # a vocative at the start of a line or sentence: "AI: stop", "Alex, you are", "model -> skip"
            r"(?:^|(?<=[(\[\"])|(?<=[\n.!?;(\[\"]\s))(?:ai|model|assistant|bot|alex|chatbot|gpt|chatgpt)"
            r"[ \t]?(?:,|:|->|=>)",
            r"for\s+the\s+(?:automated\s+)?(?:advisor|assistant|ai|model|bot)\s+only\b",
            r"(?:assistant|ai|model|bot)[-_ ]only\b",
        ),
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
            r"risk\s+polic(?:y|ies)|normal\s+advice|normal\s+self|freedom)\b(?!\s+to\b)",
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
            rf"ignorez|ignoriere)\s+{_words(3)}(?:{_RULES_NOUN}|analysis|numbers|goals?|question|scoring|"
            r"suitability|projections?|simulations?|holdings|data|facts|figures|results|risk\s+(?:profile|"
            r"tolerance|assessment)|instrucciones|instruções|instructies|consignes|anweisungen|istruzioni|reglas|règles|"
            r"regeln|regole|regras)\b",
            rf"(?:{_RULES_NOUN}|layers?)\s+{_words(3)}(?:(?:are|were|is|was|have\s+been|has\s+been)\s+)?"
            r"(?:now\s+)?(?:suspended|disabled|deprecated|lifted|void|revoked|removed|repealed|abolished|waived|"
            r"off|turned\s+off|switched\s+off|don'?t\s+apply|do\s+not\s+apply|no\s+longer\s+appl(?:y|ies))\b",
            # the advice itself changed, or its conclusion fixed in advance
            r"(?:change|alter|flip|reverse|rewrite)\s+(?:your|the)\s+(?:advice|recommendations?|conclusions?|"
            r"ratings?|scores?|answers?|goal)\b",
            r"the\s+(?:only\s+)?(?:acceptable|correct|right|allowed|permitted)\s+(?:conclusion|answer|outcome|"
            r"result|recommendation|response)\b",
            r"(?:whatever|no\s+matter\s+what|regardless\s+of(?:\s+what)?)\s+(?:the\s+)?(?:numbers|data|analysis|"
            r"facts|figures|user|portfolio|risk|holdings|account|statements?|results|simulation|projection)\b",
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
            rf"(?:the|your|this|each|every|final)\s+{_OUTPUT_NOUN}\b(?!\s+(?:from|of\s+the\s+(?:planner|bank|"
            r"custodian)))",
            r"this\s+(?:note|message|conversation|session|chat)\b",
            rf"(?:in|at\s+the\s+(?:start|end|top|bottom|beginning)\s+of|throughout|into)\s+(?:your|the|each|"
            rf"every|this)\s+{_OUTPUT_NOUN}\b",
            rf"(?:your|the|each|every|all)\s+(?:[\w-]+\s+)?{_OUTPUT_NOUN}\s+(?:must|should|shall|will|needs?\s+to|"
            r"has\s+to)\b",
            rf"(?:make|have|let)\s+(?:the|your)\s+{_OUTPUT_NOUN}\s+(?:say|state|claim|show|read|conclude)\b",
            r"(?:respond|reply|answer|start|begin|end|finish|conclude|confirm)\s+(?:[\w'’-]+\s+){0,3}?(?:with|"
            r"by\s+saying)\b",
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
            r"(?:add|append|insert|include|put)\s+(?:(?:this|the|a|these|that|my|our)\s+)?(?:following\s+|final\s+)?"
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
            r"this\s+came\s+from\b",
            r"(?:hidden|secret|invisible|special)\s+(?:text|instructions?|note|message|directives?|task)\b",
            r"display\s*:\s*none",
        ),
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
            r"our\s+(?:partner|sponsor|affiliate|in-house|own)\b",
            r"(?:partner|sponsor|affiliate)(?:'s)?\s+(?:fund|products?|offer|link|site|notes?|annuity)\b",
            # "the user" is how text written to the model speaks of the person (a user's own notes say "I")
            r"(?:the|this|that)\s+users?\b(?!\s+(?:guide|fees?|manual|interface|agreement|id|name))",
            r"(?:the|this)\s+user's\b",
            r"tell\s+me\s+(?:which|what)\s+(?:[\w-]+\s+)?(?:stock|coin|token|option)s?\s+to\s+buy\b",
            r"(?:l'utilisateur|al\s+usuario|all'utente)\b",
        ),
        other=(r"\b10/10\b",),
        foreign=(r"\bпользовател\w+|用户|ユーザー",),
        cased=(r"\b[Rr]ecommend\s+[A-Z]\w+",),
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
        ),
        other=(r"\b100\s*%\s+(?:success|safe|certain|guaranteed)",),
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
            r"(?:access|see))\b",
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
