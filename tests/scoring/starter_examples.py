"""Hand-labelled comments under a news article or blog post: the starter's measured behaviour.

CIVIL should be published, ABUSIVE held or rejected; PROFANE_FRIENDLY is swearing aimed at no
one, which a profanity model can't tell from abuse (see docs/scoring/starter.md).
"""

CIVIL = [
    "hello there, nice post",
    "Great article, thanks for writing it.",
    "I disagree with the second point; the figures from 2019 tell a different story.",
    "This is the worst argument I have read this year, and here is why.",
    "The council should have consulted residents before closing the library.",
    "Could you share the source for the unemployment numbers?",
    "I think the author is wrong about the tax policy, but it is a fair piece.",
    "My grandmother lived through this, and it was hard for her family.",
    "What a damn shame the bridge project was cancelled.",
    "Thanks, this helped me understand the new law.",
    "Nonsense. The study had forty participants and no control group.",
    "The killer whale footage in the documentary was stunning.",
    "I hate how long the trains take in winter.",
    "As a gay man, I found this article thoughtful.",
    "Muslim and Jewish groups organised the vigil together.",
    "The referee made a terrible call in the second half.",
    "You are right, I misread the chart. Apologies.",
    "Stupid question maybe, but what does the acronym mean?",
    "Hell of a game last night!",
    "This recipe is sick, my kids loved it.",
    "Please fix the typo in the third paragraph.",
    "The minister dodged every question; voters deserve answers.",
    "I'm not convinced, the evidence seems thin.",
    "Lovely photos of the coast.",
    "Shut up and take my money, this gadget looks great.",
]
ABUSIVE = [
    "you are a fucking idiot",
    "Go to hell, you scum.",
    "Shut up, moron.",
    "What a stupid bitch.",
    "You're an idiot and everyone knows it.",
    "The author is a retarded clown.",
    "Fuck off back to where you came from.",
    "Only a complete dumbass would write this crap.",
    "You pathetic loser, nobody reads your garbage.",
    "Kill yourself.",
    "I will find you and make you pay.",
    "People like you should be put down.",
    "F*** you and your article.",
    "You are a piece of s**t.",
    "Eat shit, asshole.",
    "Idiot.",
    "Die in a fire, you worthless hack.",
    "Stfu you ugly cow.",
]
PROFANE_FRIENDLY = [
    "This is fucking brilliant reporting",
    "Holy shit, what a goal!",
    "Damn, that's a good point, I never thought of it.",
    "This is f***ing brilliant reporting",
    "Best damn article I've read, fuck yeah.",
]
