"""The phrase patterns behind :class:`unstuck.diagnosis.notes.PatternNotesDetector`.

Patterns are regular expressions over *normalised* text (see
:func:`unstuck.diagnosis.notes.normalise`): lowercase, straight quotes, single spaces,
and contractions spelled out — "isn't", "isnt" and "is not" all read ``is not``,
"can't"/"cannot" read ``can not``, "won't" reads ``will not``, "they'll" reads
``they will``, "let's" reads ``let us``. Write every pattern in that form.

A pattern describes the signal as a seller would write it; negation in front of it
("not still thinking", "no pushback") is handled by the detector, so patterns do not
need to guard against it. Patterns that themselves start with a negation ("not ready
to commit") are fine: only words *before* the match are checked.

Start every pattern with ``\b``: the regex engine then skips positions inside words
cheaply. A pattern that opens with a lookbehind instead is tried at every character
and made the whole detector several times slower; put lookbehinds after the ``\b``.

This module is data only: keys are :class:`~unstuck.diagnosis.notes.NoteSignal`
values, so it does not import the detector.
"""

from __future__ import annotations

# Shared fragments. Kept as plain strings so the tables below stay readable.
_PRONOUN = r"(?:his|her|my|their|our|the|your)"
_BOSS = (
    r"(?:boss|manager|director|vp|cfo|ceo|coo|cto|cio|md|board|owner|partners?|head of \w+"
    r"|superior|team lead|management|exec\w*|leadership|finance|procurement|committee"
    r"|steering (?:committee|group)|group|head office|hq|parent company|founders?)"
)
_LATER = (
    r"(?:next (?:quarter|year|fiscal(?: year)?|fy|financial year|budget (?:cycle|year)"
    r"|spring|summer|autumn|fall|winter)|q[1-4]|the new year|new year|(?:a few|\d+|two|three"
    r"|four|six|nine|twelve) months|later (?:this|in the) year|the (?:spring|summer|autumn"
    r"|fall|winter)|january|february|march|april|may|june|july|august|september|october"
    r"|november|december)"
)

PATTERNS: dict[str, tuple[str, ...]] = {
    "commitment_declined": (
        r"\bnot (?:yet |quite |really )?(?:ready|prepared|willing|in a position) to"
        r" (?:commit|decide|move|go|proceed|sign|buy|make|take|start)",
        r"\b(?:can|could|will|would|do|does) not (?:really )?commit\b",
        r"\b(?:do|does) not want to commit\b",
        r"\bunwilling to commit\b",
        r"\b(?:we|they|he|she|i|will|would|to|going to|gonna) pass"
        r"(?: on (?:this|it|that|the offer|the proposal|us)\b| for now\b| for the time being\b"
        r"| this time\b|\s*[.,;!]|$)",
        r"\bdeclined?\b",
        r"\bturn(?:ed|s|ing)? (?:\w+ ){0,3}?down\b",
        r"\b(?:said|says|answered) no\b",
        r"\b(?:it is|was|a) (?:hard |firm |clear )?no (?:from|for now)\b",
        r"\bnot interested\b",
        r"\blost interest\b",
        r"\bnot (?:be )?(?:going|moving) (?:ahead|forward)\b",
        r"\bdecided (?:not to|against) (?:proceed|go|mov|continu|buy|pursu|sign)\w*",
        r"\bnot (?:looking|planning) to (?:change|buy|switch|move)\b",
        r"\b(?:walked|backed|pulled) (?:away|out)\b",
    ),
    "commitment_given": (
        r"\bagreed to (?!(?:disagree|think|consider|call|look|revisit|wait|get back)\b)\w+",
        r"\bagreed (?:in principle|next steps|on (?:the )?(?:plan|next steps|scope|pilot"
        r"|workshops?|dates?|kick ?off))\b",
        r"\byes,? let us\b",
        r"\blet us (?:do it|do this|go for it|go ahead|move forward|proceed|get started)\b",
        r"\b(?:ok|okay|fine|great|sounds good),? let us (?:go|do|move|proceed)\b",
        r"\b(?:said|says) yes\b",
        r"\b(?:verbal|firm|clear) yes\b",
        r"\ba yes from\b",
        r"\b(?:has |have )?committed to\b",
        r"\b(?:happy|ready|keen|want|wants|wanted|decided|agreed|plan|plans|going) to"
        r" (?:go ahead|proceed|move forward|move ahead|sign|go with (?:us|you)|buy)\b",
        r"\bsigned (?:off\b|(?:the |our |a )?(?:sow|contract|order|po|agreement|proposal"
        r"|mutual plan|nda|quote|offer)\b)",
        r"\bgreen light\b",
        r"\bgave (?:us )?the go[- ]ahead\b",
        r"\b(?:we|they) are in\s*(?:[.!,;]|$)",
        r"\bcount (?:us|me|them) in\b",
        r"\baccepted (?:the|our) (?:proposal|offer|quote|plan|terms)\b",
        r"\bmov(?:e|ed|ing) forward with\b",
    ),
    "still_thinking": (
        r"\bstill (?:thinking|considering|deciding|weighing|mulling|undecided|digesting"
        r"|reflecting|pondering|debating|on the fence|evaluating)\b",
        r"\b(?:need|needs|needed|want|wants|wanted|asked for|requires?) (?:a (?:bit|little) |some"
        r" )?(?:more )?time to (?:think|decide|consider|reflect|digest|mull)",
        r"\b(?:need|needs|needed|want|wants|wanted|asked for) (?:a (?:bit|little) |some )?more"
        r" time\b",
        r"\bmull(?:ing|ed|s)?\b",
        r"\bthink(?:ing)? (?:it|this|that|things) (?:over|through|thru)\b",
        r"\b(?<!busy to )think about it\b",
        r"\bsleep on it\b",
        r"\bon the fence\b",
        r"\bundecided\b",
        r"\bno decision (?:yet|made)\b",
        r"\b(?:have|has) not (?:yet )?(?:made up (?:their|his|her|our|my) minds?|decided)\b",
        r"\bnot (?:yet )?decided\b",
        r"\bchew(?:ing)? on it\b",
        r"\bweigh(?:ing)? (?:up )?(?:the |their )?(?:options|pros)\b",
        r"\b(?:time to digest|to reflect)\b",
    ),
    "resistance": (
        r"\bpush(?:es|ed|ing)? ?back\b(?! (?:the |our |a )?(?:meeting|call|date|demo|deadline"
        r"|start|kick ?off|session|to))",
        r"\b(?:is|are|was|were|seems?|remains?|firmly|very|strongly|totally|still|dead|all)"
        r" against\b",
        r"\b(?<!decided )against (?:it|this|that|the (?:idea|change|project|plan|proposal|move"
        r"|tool)|us|changing|moving|switching|a new|another)\b",
        r"\bblock(?:s|ed|ing|er|ers)\b(?! (?:out|off)\b)",
        r"\b(?:does|do|did) not want\b(?! to (?:commit|stick|be the one|look|get|risk)| egg)",
        r"\bnot convinced\b",
        r"\bunconvinced\b",
        r"\bscepti\w+",
        r"\bskepti\w+",
        r"\bresist(?:ant|ance|s|ing|ed)?\b",
        r"\bobject(?:ed|s|ing|ions?)\b",
        r"\boppos(?:ed|es|ing|ition)\b",
        r"\bdrag(?:s|ged|ging)? (?:his|her|their|its) feet\b",
        r"\b(?:has|have|had|raised?|with) (?:serious |some |real )?doubts\b",
        r"\bhostile\b",
        r"\bnot (?:a |the biggest )?fan\b",
        r"\bnot (?:on board|supportive|buying it)\b",
        r"\bkill(?:s|ed|ing) (?:it|the deal|the project)\b",
        r"\bshot (?:it |us |this )?down\b",
        r"\bveto(?:ed|es)?\b",
    ),
    "fear_of_looking_bad": (
        r"\b(?:worried|afraid|scared|nervous|concerned|fears?|fearful|anxious|terrified)\b"
        r"[^.;!?]{0,40}?\b(?:look(?:s|ing)? (?:bad|foolish|stupid|silly|incompetent)|blamed?"
        r"|reputation|reflects? badly|career|credibility|lose face|(?:his|her|their) jobs?"
        r"|name on it|on (?:his|her|their) watch|how it looks|another fail\w*)",
        # The negation is part of the fear here, so these carry their own "not".
        r"\b(?:does|do|did) not want (?:to (?:stick|be the one|look|get blamed|risk (?:his|her"
        r"|their)|put (?:his|her|their) name)|egg on)",
        r"\b(?:make|makes|made) (?:him|her|them|me|us) look (?:bad|foolish|stupid)\b",
        r"\blook(?:s|ing)? bad\b",
        r"\b(?:getting|get|be|being|gets) blamed\b",
        r"\b(?:take|taking|want|wants) the blame\b",
        r"\bscapegoat\w*",
        r"\bstick(?:ing)? (?:his|her|their|my|our) necks? out\b",
        r"\b(?:got|been|was|were|get|gets|getting) burn(?:ed|t)\b",
        r"\bburn(?:ed|t) (?:last time|before|in the past|previously|twice|by)\b",
        r"\breputation\b",
        r"\breflects? badly\b",
        r"\begg on (?:his|her|their|my|our) faces?\b",
        r"\bcareer[- ](?:risk|limiting|suicide)\b",
        r"\bcover (?:himself|herself|themselves|his back|her back|their backs|his ass)\b",
        r"\bput(?:ting)? (?:his|her|their|my) name on\b",
        r"\bbe the one (?:who|that|to blame)\b",
        r"\b(?:lose|save|losing|saving) face\b",
        r"\bon (?:his|her|their) watch\b",
    ),
    "status_quo_not_option": (
        r"\b(?:nothing|status quo|where (?:they|we) are|as is|as they are|staying put|standing"
        r" still|waiting|(?:old|current|existing|same) \w+)(?: \w+){0,3}? (?:is|are|was)"
        r" (?:not|no longer) (?:really )?(?:an |a viable )?option\b",
        r"\bcan not (?:keep (?:going|doing (?:this|it|that)|on)|go on|carry on|continue)\b"
        r"(?: \w+){0,4}? ?(?:like this|like that|this way|the way (?:things|it|they) (?:are|is)"
        r"|as (?:is|it is|things are|they are))",
        r"\bcan not (?:keep going|go on like|carry on like)\b",
        r"\b(?:have|has|need|needs|must|got) to change something\b",
        r"\bsomething (?:has|needs|must|is going) to (?:change|give)\b",
        r"\b(?:need|needs|have|has|must|got) (?:to )?change(?:\s*[.,;!]|$| now\b| the way\b)",
        r"\b(?:must|need to|needs to|have to|has to|got to) do something\b",
        r"\bstatus quo (?:is )?(?:not|no longer|un\w+|broken)",
        r"\b(?:not sustainable|unsustainable)\b",
        r"\b(?:is|are) broken\b",
        r"\bcan not afford (?:to wait|to do nothing|not to)\b",
    ),
    "bad_timing": (
        r"\b(?:bad|wrong|tough|difficult|busy|hectic|crazy|terrible|awkward|poor) (?:time|timing"
        r"|moment|period|quarter|month|season)\b",
        r"\bnot (?:a |the )?(?:good|right|great|ideal|best) (?:time|moment|timing)\b",
        r"\btiming (?:is|was) (?:not|off|bad|wrong|tricky|difficult)\b",
        r"\bafter (?:the |their |our )?(?:re-?org\w*|restructur\w*|merger|acquisition|audit"
        r"|migration|holidays?|summer|new year|year[- ]end|budget(?:ing)? (?:cycle|round)"
        r"|go-live|launch|rollout|reorganis\w+|reorganiz\w+)\b",
        r"\bre-?org\b|\breorganis\w+|\breorganiz\w+|\brestructur\w+",
        r"\brevisit(?:ing)?\b",
        r"\b(?:circle back|come back|check back|reconnect|touch base|follow up|pick (?:it|this)"
        r" (?:up|back up)|look at it again|talk again|try again|revisit|postpone\w*|push(?:ed)?"
        r" (?:it |this )?(?:to|into)|defer\w*|delay\w*|wait(?:ing)? (?:until|till|for)|not"
        r" (?:until|before)|until|till)\b[^.;!?]{0,30}?\b" + _LATER + r"\b",
        r"\b(?:budget|hiring|spending|spend) (?:and (?:budget|hiring) )?freeze\b",
        r"\bfreeze on (?:spend|spending|budgets?|hiring)\b",
        r"\bbudgets? (?:is |are |has been |have been )?frozen\b",
        r"\bfrozen budgets?\b",
        r"\bno budget (?:until|till|this year|left|for now|right now|before)\b",
        r"\btoo busy\b",
        r"\b(?:swamped|slammed|snowed under|overloaded|firefighting|stretched thin)\b",
        r"\bon hold\b",
        r"\bback ?burner\b",
        r"\bon ice\b",
        r"\bpostpon\w+",
        r"\bdeferr?(?:ed|ing|al)\b",
        r"\bnot (?:a |the |their |our )?(?:top |high )?priority\b",
        r"\bpriorities (?:have )?(?:shifted|changed)\b",
        r"\bdeprioriti\w+",
        r"\bmaybe later\b",
        r"\blater (?:this|in the) year\b",
        r"\bin the middle of\b",
        r"\bmid-(?:audit|migration|reorg|merger|year-end|implementation|rollout)\b",
        r"\bnot (?:right )?now\b",
    ),
    "more_info": (
        r"\b(?:another|second|2nd|one more|a further|follow-up|deeper|extra|additional|more)"
        r" (?:demos?|presentation|walk-?through|session|deep[- ]dive|meeting with)\b",
        r"\bcase stud(?:y|ies)\b",
        r"\bwhite ?papers?\b",
        r"\btestimonials?\b",
        r"\b(?:ask\w*|want\w*|request\w*|would like|need\w*|get|send|share|provide|any|some|a few"
        r"|two|three|customer|client)(?: for)? references?\b",
        r"\breference (?:calls?|customers?|sites?|checks?)\b",
        r"\b(?:customer|success) stor(?:y|ies)\b",
        r"\bproof of concept\b|\bpoc\b",
        r"\b(?:ask\w*|want\w*|request\w*|would like|need\w*)(?: for)? (?:a |an |another )?"
        r"(?:free )?(?:trial|test account|sandbox)\b",
        r"\bdocumentation\b",
        r"\b(?:data ?sheet|spec sheet|brochure)s?\b",
        r"\bdeep[- ]dive\b",
        r"\b(?:more|further|additional|extra) (?:info|information|details?|data|materials?"
        r"|documentation|specifics|evidence|proof|numbers)\b",
        r"\bcomparisons?\b|\bcompare\b|\bside[- ]by[- ]side\b",
        r"\b(?:asked|asks|asking|wants?|wanted|requested|requests?|would like|needs?)(?: us)?"
        r"(?: for| to see| to get| to have| to understand)?\b[^.;!?]{0,25}?\b(?:details|breakdown"
        r"|specs?|numbers|examples?|info|information|evidence|proof|demo)\b",
        r"\b(?:speak|talk) (?:to|with) (?:a |an )?(?:reference|existing customer|current"
        r" customer|customer)\b",
    ),
    "price_pushback": (
        r"\bdiscount\w*",
        r"\btoo (?:expensive|pricey|pricy|costly|steep|dear)\b",
        r"\b(?:costs?|price is|priced) too (?:much|high)\b",
        r"\bcheaper\b",
        r"\b(?:can|could) not afford\b(?! to (?:wait|do nothing|delay|not))",
        r"\bunaffordable\b|\boverpriced\b|\bprohibitive\b|\bpricey\b|\bpricy\b",
        r"\b(?:price|pricing|cost|fees?) (?:is |are |was |seems )?(?:too high|high|steep|an issue"
        r"|a problem|a concern|an obstacle|a blocker|a sticking point)\b",
        r"\b(?:push\w*[- ]?back|complain\w*|concern\w*|negotiat\w*|haggl\w*|balk\w*|baulk\w*"
        r"|objections?|grumbl\w*|unhappy|hesitant|scepti\w+|skepti\w+|worried|do better|move"
        r"|flex\w*|wiggle room)"
        r"(?: \w+){0,2}? (?:on|about|over|at|with) (?:the |our |their )?(?:price|pricing|cost"
        r"|costs|fees?|licen[cs]e\w*(?: fees?)?|quote|rates?|number)\b",
        r"\b\d+ ?(?:%|percent|per cent) off\b",
        r"\b(?:lower|reduce|cut|drop|match|beat) (?:the |our |their )?(?:price|pricing|cost"
        r"|fees?|quote|offer|rates?)\b",
        r"\bbudget (?:is |was )?(?:lower|smaller|less) than\b",
        r"\b(?:over|exceeds?) (?:their|the) budget\b",
        r"\bout of (?:their |the )?(?:price range|budget)\b",
        r"\bno budget for\b",
        r"\bsticker shock\b",
    ),
    "no_authority": (
        r"\b(?:check|clear|confirm|consult|discuss (?:it|this)|talk|speak) (?:it |this )?(?:with"
        r"|past) " + _PRONOUN + r" " + _BOSS + r"\b",
        r"\brun (?:it|this|that|things|everything) (?:by|past)\b",
        r"\bnot (?:my|his|her|their|our) (?:call|decision|budget|department|decision to make)\b",
        r"\bnot (?:the |a )?(?:decision[- ]?maker|budget holder|signatory)\b",
        r"\b(?:the )?board (?:decides|will decide|has to (?:decide|approve|sign)|needs to"
        r" (?:approve|sign|decide)|must (?:approve|decide)|approval)\b",
        r"\b" + _BOSS + r" (?:decides|will decide|has the final say|makes the (?:final )?(?:call"
        r"|decision)|signs off)\b",
        r"\b(?:needs?|requires?|required|waiting (?:on|for)|pending|subject to|get|getting)"
        r" (?:the |a |an )?(?:sign[- ]?off|approval|buy[- ]in|go[- ]ahead|ok|nod|blessing)"
        r" (?:from|of|by)\b",
        r"\b(?:needs?|requires?|waiting (?:on|for)|pending|subject to) (?:sign[- ]?off"
        r"|approval|buy[- ]in)\b",
        r"\b(?:can|could) not (?:sign|approve|sign off|decide)\b[^.;!?]{0,20}?(?:himself|herself"
        r"|themselves|alone|on (?:his|her|their) own|without)",
        r"\babove (?:his|her|my|their) pay ?grade\b",
        r"\bdecision (?:sits|lies|rests|is) with\b",
        r"\bdecision is (?:up to|made by)\b",
        r"\bup to (?:the|his|her|their) " + _BOSS + r"\b",
        r"\b(?:does|do) not have (?:the )?(?:authority|budget authority|sign[- ]?off|final say"
        r"|mandate|power)\b",
        r"\bno (?:authority|mandate|signing authority)\b",
        r"\b(?:has|have|had|need|needs|must|will|going|want|wants) to escalate\b",
        r"\bescalate (?:it|this|internally|upwards?)\b",
        r"\b(?:take|bring|present|put) (?:it|this) (?:to|in front of) (?:the )?(?:board|committee"
        r"|steering|management|exec)",
    ),
    "chose_alternative": (
        r"\b(?:went|going|gone|go|decided to go|chose to go|opted to go) with (?:a |an |the"
        r" |their )?(?:competitor|competition|another|someone else|somebody else|different"
        r"|incumbent|rival|alternative|other)\w*",
        r"\b(?:chose|chosen|selected|picked|signed with|opted for|went for) (?:a |an |the"
        r" |another )?(?:competitor|different|other|another|rival|alternative|incumbent)\w*",
        r"\b(?:build|building|built|do|doing|develop\w*|handle|handling|solve|solving) (?:it |this"
        r" |that |things )?(?:themselves|ourselves|in[- ]house|internally)\b",
        r"\bstick(?:ing)? with (?:the |their )?(?:incumbent|current|existing|what they have)\b",
        r"\blost (?:out )?to (?:a |an |the |another )?(?:competitor|rival|incumbent|cheaper)\w*",
        r"\bdecided to do nothing\b",
    ),
}
