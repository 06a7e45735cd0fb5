"""Questions written by reading the brief, with what a correct answer must contain.

Each answerable case: (question, a substring the answer must contain (any of the
alternatives, case-insensitive), a substring one cited sentence must contain).
"""

ANSWERABLE = [
    ("Where is the India Korea Centre for Research & Innovation based?", ["New Delhi"], "based in New Delhi"),
    ("Where is IKCRI based?", ["New Delhi"], "based in New Delhi"),
    ("What does IKCRI focus on?", ["technology transfer"], "technology transfer"),
    ("Who wrote the brief?", ["Sanjeev K. Varshney"], "Sanjeev K. Varshney"),
    ("Which Korean president visited India?", ["Lee Jae Myung"], "Lee Jae Myung"),
    ("What is FORGE?", ["Forum on Resource Geostrategic Engagement", "multinational initiative"], "FORGE"),
    ("When was FORGE launched?", ["February 2026"], "February 2026"),
    ("When was the India-ROK Space Day held in Bengaluru?", ["20th April 2026"], "20th April 2026"),
    ("Where is the India Korea Science & Technology Centre located?", ["Bangalore"], "IKSTC"),
    ("What is the purpose of the Korea India Defense Accelerator?", ["defense startups", "military technologies"], "KIND-X"),
    ("Which international alliance did Korea agree to join?", ["International Solar Alliance"], "International Solar Alliance"),
    ("Which payment systems were linked by the MoU?", ["KFTC"], "KFTC"),
    ("What does the cross-border payment linkage allow?", ["cross-border payments"], "seamless, real-time cross-border payments"),
    ("Which agencies form the space Joint Working Group?", ["Korea Aerospace Administration", "KASA"], "Korea Aerospace Administration"),
    ("Which organisations provide scholarships to young researchers?", ["Global Korea Scholarships", "ICCR"], "scholarships"),
    ("What are the focus areas of the present bilateral cooperation?", ["green mobility"], "green mobility"),
    ("What period does the India-ROK Joint Strategic Vision cover?", ["2026–2030", "2026-2030"], "Joint Strategic Vision"),
    ("What does the success of the partnership depend on?", ["trade imbalances"], "trade imbalances"),
    ("Which critical material was mentioned for supply disruptions?", ["naphtha"], "naphtha"),
    ("What is the India-Korea Digital Bridge?", ["critical and emerging technologies"], "Digital Bridge"),
    ("Which principles guide the joint task forces?", ["AI for All"], "AI for All"),
    ("Who co-chairs the Joint Science & Technology Committee?", ["two countries"], "co-chaired by two countries"),
    ("What role does India have in FORGE?", ["supporter and participant"], "supporter and participant"),
    ("Which initiative did ROK welcome India's participation in?", ["Pax Silica"], "Pax Silica"),
]

UNANSWERABLE = [
    "What is the annual budget of IKCRI?",
    "Did Japan join the International Solar Alliance?",
    "How many students received Global Korea Scholarships in 2025?",
    "Who is the director of the India Korea Science & Technology Centre?",
    "What is the population of South Korea?",
    "When did Brazil join FORGE?",
    "How much funding does KIND-X provide to each startup?",
    "What is the capital of Australia?",
    "Which football club won the league last year?",
    "What is the interest rate set by the Reserve Bank of India?",
]
