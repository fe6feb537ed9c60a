"""Write ``evals/questions.jsonl`` from the hand-written list below, resolving each gold quote to the exact span.

Why a builder: the questions were written by reading the statements, but typing curly quotes and dashes by
hand is error-prone. Each quote here is matched against its statement with apostrophes, dashes and spaces
normalized, and the *exact* stored span is written out, so the JSONL holds verbatim substrings only.
Run: ``python evals/tools/build_questions.py`` (reads ../shared/corpus and seeds/).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = "cz-mfa-2024-05-lipavsky-blinken"
NUM = "numeric"
ENT = "entity"
DATE = "date"
MET = "who-met-whom"
ATT = "attribution"
CLAIM = "claim-check"
MULTI = "multi-doc"
LATEST = "temporal-latest"
UNANS = "unanswerable"
PARA = "paraphrase"

# (type, question, answers, [(doc id or unique prefix, approximate quote)], tags, note)
Q: list[tuple] = [
    # --- the seed: the MoU count and its paraphrases -------------------------------------------------
    (NUM, "How many MoUs has the US signed?", ["17", "17th"],
     [(SEED, "It's the 17th such memorandum of understanding that we've signed with partner countries")],
     ["seed", "ci"], "Blinken, Prague, 2024-05-30: MoUs on combating misinformation and disinformation."),
    (PARA, "how many disinfo MOUs has washington signed w/ partner countries", ["17", "17th"],
     [(SEED, "It's the 17th such memorandum of understanding that we've signed with partner countries on "
             "combating misinformation and disinformation")], ["seed", "ci"], None),
    (PARA, "Number of memoranda of understanding on countering misinformation the United States has concluded "
           "with partners?", ["17", "17th"],
     [(SEED, "It's the 17th such memorandum of understanding that we've signed with partner countries on "
             "combating misinformation and disinformation")], ["seed", "ci"], None),
    (PARA, "hw many memorandums of understnading did the US sign on disinformation", ["17", "17th"],
     [(SEED, "It's the 17th such memorandum of understanding that we've signed")], ["seed", "ci"], None),
    (PARA, "Which number was the Czech-US memorandum on foreign information manipulation among the US's "
           "agreements of that kind?", ["17", "17th"],
     [(SEED, "It's the 17th such memorandum of understanding that we've signed")], ["seed", "ci"], None),
    (PARA, "count of US disinformation MoUs with partner nations as of the Prague signing", ["17", "17th"],
     [(SEED, "It's the 17th such memorandum of understanding that we've signed with partner countries")],
     ["seed", "ci"], None),
    # --- seed: other facts -----------------------------------------------------------------------------
    (ENT, "What did Lipavsky and Blinken sign in Prague?",
     ["Memorandum of Understanding on Countering Foreign State Information Manipulation"],
     [(SEED, "Minister Lipavský and Secretary Blinken signed a Memorandum of Understanding on Countering Foreign "
             "State Information Manipulation")], ["seed", "ci"], None),
    (MET, "Besides Lipavsky, which Czech leader did Blinken meet in Prague?", ["Petr Pavel", "Pavel"],
     [(SEED, "Secretary of State Antony J. Blinken also met with Czech President Petr Pavel")], ["seed", "ci"],
     None),
    (ENT, "which fighter jets are the Czechs acquiring, per the Lipavsky-Blinken meeting", ["F-35"],
     [(SEED, "defence cooperation stemming from acquiring F-35 fighter jets")], ["seed", "ci"], None),
    (ENT, "Which American producer launched industrial collaboration with Czech companies?", ["Lockheed Martin"],
     [(SEED, "collaboration between several Czech companies and American producer Lockheed Martin")],
     ["seed", "ci"], None),
    (ATT, "Who said \"Europe is prepared for the long run in helping Ukraine – whatever it takes\"?",
     ["Lipavsky", "Lipavský"],
     [(SEED, "\u201cEurope is prepared for the long run in helping Ukraine \u2013 whatever it takes,\u201d "
             "confirmed Minister Lipavsky")], ["seed", "ci"], None),
    (ATT, "Who called the information front a major front in the competition with Russia?", ["Blinken"],
     [(SEED, "said Secretary Blinken during the joint press conference"),
      (SEED, "notably with Russia – is an information front")], ["seed", "ci"], None),
    (ATT, "who described foreign disinformation and propaganda as a security threat to Czechia",
     ["Lipavsky", "Lipavský", "chief of Czech diplomacy"],
     [(SEED, "pose a security threat to Czechia and other democracies"),
      (SEED, "added the chief of Czech diplomacy")], ["seed", "ci"], None),
    (NUM, "Which anniversary summit was NATO preparing for in Washington when Lipavsky met Blinken?",
     ["75th"], [(SEED, "NATO's 75th-anniversary summit in Washington")], ["seed", "ci"], None),
    (CLAIM, "Did Blinken commend the Czech Republic for sourcing ammunition for Ukraine?",
     ["yes", "sourcing ammunition"],
     [(SEED, "Secretary Blinken commended the Czech Republic for its essential efforts in sourcing ammunition for "
             "the defence of Ukraine")], ["seed", "ci"], None),
    (CLAIM, "Is it true that the Czech-US disinformation memorandum was signed in Washington?", ["no", "Prague"],
     [(SEED, "met with his US counterpart, Secretary of State Antony Blinken, in Prague")], ["seed", "ci"],
     "The meeting and signing were in Prague."),
    (ENT, "What concern did both ministers share about China?",
     ["exports from China for Russia's military-industrial complex", "military-industrial complex"],
     [(SEED, "reports of increasing exports from China for Russia's military-industrial complex")],
     ["seed", "ci"], None),
    # --- Czech Republic (seeds) ------------------------------------------------------------------------
    (NUM, "how many F-35s did czechia decide to buy", ["24"],
     [("us-wh-2024-04-15-readout-of-president-bidens-meeting-with-prime-minister-petr-fiala",
       "the Czech decision earlier this year to purchase 24 U.S. F-35s")], ["ci"], None),
    (NUM, "Value of the Czech F-35 deal?", ["$4.5 billion", "4.5 billion"],
     [("us-wh-2024-04-15-readout-of-president-bidens-meeting-with-prime-minister-petr-fiala",
       "a $4.5 billion deal")], ["ci"], None),
    (ENT, "What did Biden and Fiala announce about foreign information manipulation?",
     ["memorandum of understanding", "intent to sign"],
     [("us-wh-2024-04-15-readout-of-president-bidens-meeting-with-prime-minister-petr-fiala",
       "announced their countries' intent to sign a memorandum of understanding on countering foreign "
       "information manipulation")], ["ci"], None),
    (NUM, "How many Ukrainian refugees had the Czech Republic taken in by April 2022?", ["300,000"],
     [("us-state-338220", "It has taken in more than 300,000 refugees from Ukraine"),
      ("us-state-338214", "welcoming over 300,000 refugees into their country")], ["ci"], None),
    (DATE, "When was the US-Czech Strategic Dialogue renewed in Prague?", ["2022-03-30"],
     [("us-state-329572", "renewed the U.S.-Czech Republic Strategic Dialogue in Prague on March 30, 2022")],
     ["ci"], None),
    (MET, "Who led the Czech delegation at the 2022 US-Czech strategic dialogue?",
     ["Martin Povejsil", "Povejsil"],
     [("us-state-329572", "delegations led by Czech Deputy Foreign Minister Martin Povejsil")], ["ci"], None),
    (MET, "which czech official did jake sullivan meet in oct 2022", ["Tomas Pojar", "Pojar"],
     [("us-wh-2022-10-14-readout-of-national-security-advisor-jake-sullivans-meeting-with-tomas-pojar",
       "National Security Advisor Jake Sullivan met today with Tomas Pojar")], ["ci"], None),
    (ENT, "Who announced the start of negotiations on a US-Czech Defense Cooperation Agreement?",
     ["Jana Černochová", "Cernochova"],
     [("us-state-336321", "Czech Defense Minister Jana Černochová's announcement today to begin negotiating a "
                          "bilateral Defense Cooperation Agreement")], ["ci"], None),
    (DATE, "What day was Fiala due at the White House?", ["2024-04-15"],
     [("us-wh-2024-03-11-statement-from-press-secretary-karine-jean-pierre-on-the-visit-of-prime-minister-petr",
       "President Biden will welcome Prime Minister Petr Fiala of Czechia to the White House on April 15")],
     ["ci"], None),
    (NUM, "How many years had Czechia been in NATO when Fiala visited Biden in 2024?", ["25"],
     [("us-wh-2024-04-15-readout-of-president-bidens-meeting-with-prime-minister-petr-fiala",
       "on celebrating 25 years in NATO")], ["ci"], None),
    (ATT, "Who described Putin's mind as a product of the KGB Soviet era?", ["Lipavsky", "Lipavský"],
     [("us-state-338220", "Putin's mind is a product of KGB Soviet era"),
      ("us-state-338220", "FOREIGN MINISTER LIPAVSKY: Mr. Secretary, Antony")], ["ci"], None),
    (MET, "Who did Blinken meet at the State Department on 27 April 2022?", ["Lipavsky", "Lipavský"],
     [("us-state-338214", "Secretary of State Antony J. Blinken met today with Czech Foreign Minister Jan "
                          "Lipavsky in Washington, D.C.")], ["ci"], None),
    (CLAIM, "Claim: the Czech Republic committed to raise defense spending to 2% of GDP. Supported?",
     ["yes", "two percent", "2 percent"],
     [("us-state-329572", "The Czech Republic has renewed its commitment to increase its defense spending to two "
                          "percent of GDP")], ["ci"], None),
    (MULTI, "F-35s for Czechia: how many jets, and which US company is working with Czech firms?",
     [["24", "Lockheed Martin"]],
     [("us-wh-2024-04-15-readout-of-president-bidens-meeting-with-prime-minister-petr-fiala",
       "purchase 24 U.S. F-35s"),
      (SEED, "American producer Lockheed Martin")], ["ci"], None),
    (MULTI, "Biden and Fiala announced the intent to sign a foreign-information-manipulation MoU; who "
            "eventually signed it?", [["Lipavsky", "Blinken"]],
     [("us-wh-2024-04-15-readout-of-president-bidens-meeting-with-prime-minister-petr-fiala",
       "intent to sign a memorandum of understanding on countering foreign information manipulation"),
      (SEED, "Minister Lipavský and Secretary Blinken signed a Memorandum of Understanding")], ["ci"], None),
    # --- information manipulation beyond Czechia (distractors) -----------------------------------------
    (NUM, "How many countries have endorsed the Framework to Counter Foreign State Information Manipulation?",
     ["21", "twenty-one"],
     [("us-wh-2024-10-17-fact-sheet-the-u-s-germany-partnership",
       "Germany was one of the first of twenty-one countries to endorse the U.S. government's Framework to "
       "Counter Foreign State Information Manipulation")], [], None),
    (ENT, "What did the US and Japan commit to on foreign information manipulation?",
     ["Memorandum of Cooperation on Countering Foreign Information Manipulation", "Memorandum of Cooperation"],
     [("us-wh-2024-04-10-fact-sheet-japan-official-visit",
       "last year committed to the joint U.S.-Japan Memorandum of Cooperation on Countering Foreign Information "
       "Manipulation")], [], None),
    (MULTI, "Which countries has the US signed memoranda with on countering foreign state information "
            "manipulation?", [["Czech|Czechia", "Japan", "Australia"]],
     [(SEED, "signed a Memorandum of Understanding on Countering Foreign State Information Manipulation"),
      ("us-wh-2025-01-10-the-united-states-enduring-commitment",
       "we have signed bilateral memoranda with Japan, the ROK, and Australia to combat foreign state "
       "information manipulation")], [], None),
    (ENT, "what is the name of the Quad group working on disinformation", ["Countering Disinformation Working Group"],
     [("us-wh-2024-09-21-fact-sheet-2024-quad-leaders-summit", "its Countering Disinformation Working Group")],
     [], None),
    (NUM, "How many years in prison did Russia's 2022 law threaten for spreading 'false' information about the "
          "war?", ["15"],
     [("us-wh-2022-03-05-statement-by-nsc-spokesperson-emily-horne-on-russian-disinformation",
       "a law threatening prison sentences of up to 15 years for journalists")], ["ci"], None),
    (NUM, "How many partners launched the Declaration for the Future of the Internet with the US?", ["60"],
     [("us-wh-2022-04-28-fact-sheet-united-states-and-60-global-partners",
       "the United States with 60 partners from around the globe launched the Declaration for the Future of the "
       "Internet")], [], None),
    (ENT, "What did the Czech Republic release at the third Prague 5G Security Conference?",
     ["Prague Proposals on Telecommunications Supplier Diversity", "Prague Proposals"],
     [("us-wh-2021-12-02-statement-by-nsc-spokesperson-emily-horne-on-u-s-support-for-the-third-annual-prague",
       "the Czech Republic's release of the \u201cPrague Proposals on Telecommunications Supplier Diversity")],
     [], None),
    # --- other MoUs (distractors for "how many MoUs") ---------------------------------------------------
    (MET, "Who signed the US-Ghana civil nuclear MOU for the United States?", ["Eliot Kang", "Kang"],
     [("us-state-258812", "Dr. C.S. Eliot Kang, the Senior Official for Arms Control and International "
                          "Security, signed for the United States")], [], None),
    (MET, "who signed the philippines nuclear cooperation memorandum for the US side", ["Bonnie Jenkins", "Jenkins"],
     [("us-state-323016", "Undersecretary of State for Arms Control and International Security Bonnie Jenkins "
                          "signed for the United States")], [], None),
    (MET, "Who signed the Armenia NCMOU for Armenia?", ["Ararat Mirzoyan", "Mirzoyan"],
     [("us-state-340209", "Minister of Foreign Affairs Ararat Mirzoyan signed for Armenia")], [], None),
    (ENT, "At the MoU signing with Albanian PM Rama, who did Blinken say sensitive networks must be built with?",
     ["trusted vendors"],
     [("us-state-251613", "when it comes to our most sensitive technology and networks we have, we're working "
                          "with trusted vendors")], [], None),
    (NUM, "What runway length does the planned Manda Bay Airfield MoU with Kenya involve?",
     ["10,000-foot", "10,000 feet", "10000"],
     [("us-wh-2024-05-23-fact-sheet-kenya-state-visit", "building a 10,000-foot runway")], [], None),
    (ENT, "Which states signed an MOU on sharing crime gun data?",
     [["New Jersey", "New York", "Pennsylvania", "Connecticut"]],
     [("us-wh-2021-10-07-statement-by-the-press-secretary-on-the-memorandum-of-understanding",
       "the Governors of New Jersey, New York, Pennsylvania and Connecticut")], [], None),
    (ENT, "What did the US, Canada and Finland sign an MOU to build?", ["icebreakers", "polar icebreakers"],
     [("us-wh-2024-11-13-statement-from-national-security-advisor-jake-sullivan-on-mou",
       "spurring the production of polar icebreakers")], [], None),
    # --- Ukraine security assistance ------------------------------------------------------------------
    (NUM, "What was the seventeenth drawdown for Ukraine worth?", ["$550 million", "550 million"],
     [("us-state-364594", "I am authorizing our seventeenth drawdown since August 2021 of up to $550 million")],
     ["ci"], "Trap: 'seventeenth' also appears in the MoU questions."),
    (NUM, "how big was the 3rd presidential drawdown for ukraine (feb 2022)", ["$350 million", "350 million"],
     [("us-state-318223", "an unprecedented third Presidential Drawdown of up to $350 million")], ["ci"], None),
    (NUM, "How much did Blinken authorize for Ukraine in December 2021?", ["$200 million", "200 million"],
     [("us-state-318223", "In December, as that threat materialized, I authorized a further drawdown worth "
                          "$200 million")], ["ci"], None),
    (NUM, "Total US military assistance to Ukraine after the $400 million package of July 2022?",
     ["$7.32 billion", "7.32 billion"],
     [("us-state-358215", "will bring total U.S. military assistance to Ukraine to more than $7.32 billion")],
     ["ci"], None),
    (ENT, "Which rocket systems did the July 22 2022 package include more of?", ["HIMARS"],
     [("us-state-362186", "Today's announcement includes more HIMARS advanced rocket systems")], ["ci"], None),
    (MULTI, "How much were the ninth and the twelfth drawdowns for Ukraine worth?",
     [["150 million", "350 million"]],
     [("us-state-341742", "valued at up to $150 million"),
      ("us-state-352863", "I am authorizing our twelfth drawdown of arms and equipment from U.S. Department of "
                          "Defense inventories for Ukraine's defense since August 2021, valued at up to $350 "
                          "million")], ["ci"], None),
    (ATT, "who called the idea that the US held back security assistance to Ukraine 'nonsense'?",
     ["Jen Psaki", "Psaki", "Press Secretary"],
     [("us-wh-2021-06-18-statement-by-press-secretary-jen-psaki-on-ukraine-security-assistance",
       "The idea that we have held back security assistance to Ukraine is nonsense.")], ["ci"], None),
    (LATEST, "What is the latest US security assistance package amount announced for Ukraine?",
     ["$425 million", "425 million"],
     [("us-wh-2024-10-16-readout-of-president-bidens-call-with-president-zelenskyy",
       "the President announced a $425 million security assistance package for Ukraine")], [],
     "Latest dated statement giving an amount; 2025-01-10 gives none."),
    (NUM, "How much was the security assistance package Biden announced when meeting Zelenskyy in June 2024?",
     ["$225 million", "225 million"],
     [("us-wh-2024-06-07-readout-of-president-bidens-meeting-with-president-zelenskyy",
       "which is valued at $225 million")], [], None),
    (CLAIM, "Claim: by April 2022 more than 30 countries had joined the US in delivering security assistance to "
            "Ukraine.", ["yes", "more than 30"],
     [("us-state-331815", "more than 30 countries have joined us to deliver security assistance to Ukraine")],
     ["ci"], None),
    # --- NATO: accession, Secretary General, spending -------------------------------------------------
    (NUM, "Finland became NATO's which ally?", ["31st"],
     [("us-wh-2023-04-04-statement-from-president-joe-biden-welcoming-finland",
       "I am proud to welcome Finland as NATO's 31st Ally")], ["ci"], None),
    (LATEST, "how many allies does nato have now", ["32"],
     [("us-wh-2024-03-07-statement-from-president-joe-biden-welcoming-sweden",
       "now 32 nations strong")], ["ci"], "Latest statement on membership: Sweden's accession."),
    (LATEST, "Who is the current NATO Secretary General?", ["Mark Rutte", "Rutte"],
     [("us-wh-2024-10-01-statement-from-president-joe-biden-welcoming-mark-rutte",
       "I welcome Mark Rutte as the new Secretary General")], [], "Stoltenberg in all earlier statements."),
    (CLAIM, "Claim: NATO extended Stoltenberg's term by two years.", ["no", "additional year", "one year"],
     [("us-wh-2023-07-04-statement-from-president-joe-biden-on-nato-secretary-general",
       "NATO will extend Secretary General Jens Stoltenberg's term for an additional year")], [], None),
    (DATE, "When did Finland and Sweden apply to join NATO?", ["May 2022"],
     [("us-wh-2023-04-04-statement-from-president-joe-biden-welcoming-finland",
       "In May 2022, Finland and Sweden applied for NATO membership")], ["ci"], None),
    (NUM, "US Senate vote on Finland/Sweden accession: fastest Senate process for a NATO protocol since what "
          "year?", ["1981"],
     [("us-wh-2022-08-03-statement-statement-from-president-biden-on-senate-ratification",
       "the fastest Senate process for a NATO protocol since 1981")], ["ci"], None),
    (ENT, "What did Turkey, Finland and Sweden sign before the Madrid summit?", ["trilateral memorandum"],
     [("us-wh-2022-06-28-statement-by-president-biden-on-trilateral-agreement",
       "I congratulate Turkey, Finland and Sweden on signing a trilateral memorandum")], ["ci"], None),
    (MET, "Which Turkish leader did Biden meet on the margins of the Madrid NATO Summit?",
     ["Erdogan", "Recep Tayyip Erdogan"],
     [("us-wh-2022-06-29-readout-of-president-bidens-meeting-with-president-recep-tayyip-erdogan",
       "met today with President Recep Tayyip Erdogan on the margins of the NATO Summit")], ["ci"], None),
    (LATEST, "How many Allies are at NATO's 2% defence spending target, latest figure?", ["23"],
     [("us-wh-2024-06-17-readout-of-president-joe-bidens-meeting-with-secretary-general-jens-stoltenberg",
       "a record 23 Allies will reach NATO's two percent spending threshold")], [],
     "Madrid 2022 fact sheet says nine."),
    (NUM, "Madrid summit: how many US destroyers will be stationed in Rota?", ["6", "six"],
     [("us-wh-2022-06-29-fact-sheet-the-2022-nato-summit-in-madrid",
       "increase the number of U.S. destroyers stationed in Rota from four to six")], [], None),
    (ATT, "Who said the Alliance 'would create a shield against aggression and fear of aggression'?",
     ["Truman", "President Truman"],
     [("us-wh-2024-03-07-statement-from-president-joe-biden-welcoming-sweden",
       "President Truman said the Alliance, \u201cwould create a shield against aggression and fear of "
       "aggression.\u201d")], ["ci"], None),
    (MULTI, "finland and sweden joined nato as which allies (numbers)?", [["31st", "32nd"]],
     [("us-wh-2023-04-04-statement-from-president-joe-biden-welcoming-finland", "NATO's 31st Ally"),
      ("us-wh-2024-03-07-statement-from-president-joe-biden-welcoming-sweden", "NATO's 32nd Ally")],
     ["ci"], None),
    (MET, "who did Sullivan meet from Sweden in February 2023?", ["Henrik Landerholm", "Landerholm"],
     [("us-wh-2023-02-02-readout-of-national-security-advisor-jake-sullivans-meeting-with-swedish",
       "National Security Advisor Jake Sullivan met today with Henrik Landerholm")], [], None),
    (MET, "Which Swedish minister did Blinken meet in Washington in May 2022?", ["Ann Linde", "Linde"],
     [("us-state-341135", "met today with Swedish Foreign Minister Ann Linde in Washington, D.C.")], [], None),
    (MET, "blinken met NATO SG on margins of nato foreign ministerial march 2022 - who", ["Stoltenberg"],
     [("us-state-320750", "Secretary of State Antony J. Blinken met with NATO Secretary General Jens "
                          "Stoltenberg today in Brussels on the margins of the NATO Foreign Ministerial")],
     [], None),
    (ENT, "What did Biden welcome about Finland's fighter jet choice in December 2021?", ["F-35"],
     [("us-wh-2021-12-13-readout-of-president-bidens-call-with-president-of-finland",
       "President Biden welcomed Finland's selection of the F-35 for its next fighter jet")], [], None),
    # --- Biden / Harris / Zelenskyy ---------------------------------------------------------------------
    (DATE, "When did Biden meet Zelenskyy in Vilnius?", ["2023-07-12"],
     [("us-wh-2023-07-12-readout-of-president-joe-bidens-meeting-with-president-volodymyr",
       "President Joe Biden met with President Volodymyr Zelenskyy of Ukraine in Vilnius on July 12, 2023")],
     [], None),
    (LATEST, "When did Biden last meet Zelenskyy at the White House?", ["2024-09-26", "September 26"],
     [("us-wh-2024-09-26-readout-of-president-bidens-meeting-with-president-zelenskyy",
       "met today with President Volodymyr Zelenskyy of Ukraine at the White House"),
      ("us-wh-2024-09-19-statement-from-press-secretary-karine-jean-pierre-on-the-visit",
       "On Thursday, September 26, President Biden will meet with President Volodymyr Zelenskyy of Ukraine at "
       "the White House")], [], None),
    (DATE, "What date is the leader-level Ukraine Defense Contact Group meeting Biden will host in Germany?",
     ["2024-10-12"],
     [("us-wh-2024-09-26-readout-of-president-bidens-meeting-with-president-zelenskyy",
       "On October 12, 2024, President Biden will host a leader-level meeting of the Ukraine Defense Contact "
       "Group in Germany")], [], None),
    (MET, "who did harris meet in munich feb 2024", ["Zelenskyy", "Volodymyr Zelenskyy"],
     [("us-wh-2024-02-17-readout-of-vice-president-harriss-meeting-with-president-zelenskyy",
       "Vice President Kamala Harris met today with President Volodymyr Zelenskyy of Ukraine in Munich, Germany")],
     [], None),
    (ENT, "Where did Harris meet Zelenskyy in June 2024?", ["Lucerne"],
     [("us-wh-2024-06-15-readout-of-vice-president-harriss-meeting-with-president-zelenskyy",
       "in Lucerne, Switzerland, on the margins of the Summit on Peace in Ukraine")], [], None),
    (ENT, "What did the US announce against Russia on the day of Biden's January 2025 call with Zelenskyy?",
     ["sanctions package against the Russian energy sector", "sanctions"],
     [("us-wh-2025-01-10-readout-of-president-bidens-call-with-president-zelenskyy",
       "today the United States announced a comprehensive sanctions package against the Russian energy sector")],
     [], None),
    (DATE, "When was Zelenskyy invited to the White House in December 2023?", ["December 12"],
     [("us-wh-2023-12-10-statement-from-press-secretary-karine-jean-pierre-on-the-visit",
       "to the White House for a meeting on Tuesday, December 12")], [], None),
    (NUM, "How much was the package Biden announced when he met Zelenskyy in Hiroshima in May 2023?",
     ["$375 million", "375 million"],
     [("us-wh-2023-05-21-readout-of-president-bidens-meeting-with-president-volodymyr",
       "today's announcement of an additional $375 million in ammunition and equipment")], [], None),
    (NUM, "How many countries agreed to sign the Joint Declaration of Support for the Recovery and "
          "Reconstruction of Ukraine?", ["more than 30", "30"],
     [("us-wh-2024-09-25-readout-of-president-bidens-pull-aside",
       "the leaders of more than 30 countries agreed to sign a Joint Declaration of Support for the Recovery and "
       "Reconstruction of Ukraine")], [], None),
    (MET, "Who did Blinken speak with about the deaths of Ukrainian detainees in Donetsk?",
     ["Kuleba", "Dmytro Kuleba"],
     [("us-state-364281", "spoke by phone yesterday with Ukrainian Foreign Minister Dmytro Kuleba to express his "
                          "condolences over the deaths of over 50 Ukrainian detainees")], [], None),
    # --- Poland / refugees -------------------------------------------------------------------------------
    (LATEST, "How many Ukrainian refugees has Poland welcomed (latest figure)?", ["1.5 million"],
     [("us-wh-2023-02-21-readout-of-president-bidens-meeting-with-president-andrzej-duda",
       "welcoming over 1.5 million Ukrainian refugees into their communities")], [],
     "Earlier: 700,000 (2022-03-05), 1.33 million (2022-03-10)."),
    (ATT, "Who said Poland had already received up to 700,000 refugees?", ["Rau", "Zbigniew Rau"],
     [("us-state-321069", "Poland already received up to 700,000 refugees")], [], None),
    # --- ransomware / AI / other seed facts -------------------------------------------------------------
    (LATEST, "how many members does the counter ransomware initiative have", ["68"],
     [("us-wh-2024-10-02-international-counter-ransomware-initiative-2024-joint-statement",
       "The 68 members of the International Counter Ransomware Initiative (CRI)")], [],
     "2023 statements say 50."),
    (NUM, "How many members attended the third CRI gathering in 2023?", ["50"],
     [("us-wh-2023-11-01-fact-sheet-biden-harris-administration-convenes-third-global-gathering",
       "bringing together 50 members, including 48 countries and representatives from the European Union and "
       "INTERPOL")], [], None),
    (NUM, "How many nations joined the US in endorsing the Political Declaration on Responsible Military Use of "
          "AI and Autonomy as of Nov 2023?", ["31"],
     [("us-wh-2023-11-01-fact-sheet-vice-president-harris-announces-new-u-s-initiatives",
       "31 nations have joined the United States in endorsing this Declaration")], [], None),
    (NUM, "How many members did the Global Coalition to Defeat ISIS reach in 2021?", ["83"],
     [("us-state-255687", "Expanding the Coalition's global reach to 83 members")], [], None),
    # --- terse / typo'd analyst phrasing -------------------------------------------------------------
    (PARA, "czech f35 purchse price", ["$4.5 billion", "4.5 billion"],
     [("us-wh-2024-04-15-readout-of-president-bidens-meeting-with-prime-minister-petr-fiala",
       "a $4.5 billion deal")], ["ci"], None),
    (LATEST, "who's runing NATO now", ["Mark Rutte", "Rutte"],
     [("us-wh-2024-10-01-statement-from-president-joe-biden-welcoming-mark-rutte",
       "I welcome Mark Rutte as the new Secretary General")], [], None),
    (NUM, "ukraine 13th drawdown amt", ["$450 million", "450 million"],
     [("us-state-354437", "I am authorizing our thirteenth drawdown of arms and equipment from U.S. Department of "
                          "Defense inventories for Ukraine's defense since August 2021, of up to $450 million")],
     ["ci"], None),
    (CLAIM, "hungary parliament ok'd sweden joining nato - true?", ["yes", "approve Sweden's application"],
     [("us-wh-2024-02-26-statement-from-national-security-advisor-jake-sullivan-on-the-hungarian",
       "The United States welcomes the Hungarian parliament's overwhelming vote today to approve Sweden's "
       "application to join NATO")], ["ci"], None),
    (ENT, "how did biden characterize the speed of finland's nato ratification",
     ["fastest ratification process in NATO's modern history", "fastest ratification"],
     [("us-wh-2023-04-04-statement-from-president-joe-biden-welcoming-finland",
       "the fastest ratification process in NATO's modern history")], ["ci"], None),
    # --- unanswerable but plausible ---------------------------------------------------------------------
    (UNANS, "How many MoUs on countering disinformation had the US signed by the end of 2024?", [], [],
     ["ci"], "Only the count as of May 2024 (17th) is given; 21 countries endorsing the Framework is not an MoU "
     "count."),
    (UNANS, "What was the dollar value of the US-Czech memorandum on information manipulation?", [], [],
     ["seed", "ci"], "The seed gives no figure for the MoU."),
    (UNANS, "How many F-35s is Finland buying?", [], [], [],
     "Finland's selection of the F-35 is mentioned, not a number."),
    (UNANS, "On what date was the 2023 US-Czech Strategic Dialogue held in Washington?", [], [], ["ci"],
     "The 2022 statement only plans 'the next annual meeting in Washington in 2023'."),
    (UNANS, "When was the US-Czech Defense Cooperation Agreement signed?", [], [], ["ci"],
     "Only the opening of negotiations and its development are mentioned."),
    (UNANS, "What number was the US-Japan memorandum on foreign information manipulation among US MoUs?",
     [], [], [], "The '17th' belongs to the Czech MoU; Japan's is not numbered."),
    (UNANS, "How much military aid has Czechia given Ukraine in total?", [], [], ["ci"],
     "Statements praise Czech military assistance but give no figure."),
    (UNANS, "What did Blinken and Lipavsky say about Taiwan in Prague in May 2024?", [], [], ["seed", "ci"],
     "The seed does not mention Taiwan (the 2022 strategic dialogue does)."),
    (UNANS, "Who signed the US-Czech MoU on information manipulation for the Czech Ministry of Defence?", [], [],
     ["seed", "ci"], "Signed by the foreign minister; no defence ministry signatory exists in the corpus."),
    (UNANS, "How many Ukrainian refugees did Slovakia take in?", [], [], [],
     "Slovakia appears only in lists and travel notes."),
    (UNANS, "When did Blinken meet Kuleba in Kyiv in 2024?", [], [], [],
     "No 2024 Blinken-Kuleba meeting statement is indexed."),
    (UNANS, "How many ransomware attacks did the CRI disrupt in 2024?", [], [], [],
     "The 2024 statements give membership, not a count of disrupted attacks."),
    (UNANS, "What was the value of the Manda Bay airfield expansion MoU?", [], [], [],
     "The Kenya fact sheet gives the runway length, not a cost."),
    (UNANS, "When will Czechia receive its first F-35?", [], [], ["ci"],
     "The purchase is mentioned; no delivery date."),
    (UNANS, "What was the vote count in Hungary's parliament on Sweden's NATO bid?", [], [], ["ci"],
     "Only 'overwhelming vote' is stated."),
    (UNANS, "how many disinfo MoUs has the UK signed", [], [], ["seed", "ci"],
     "The 17 MoUs are US ones; nothing on UK MoUs."),
]


def normalize(text: str) -> str:
    """Fold typographic variants so a hand-typed quote can be found in the stored text."""
    table = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                           "\u2014": "-", "\u00a0": " "})
    return text.translate(table)


def locate(text: str, approx: str) -> str:
    """Return the exact stored span matching ``approx`` (whitespace and typography folded)."""
    if approx in text:
        return approx
    pattern = r"\s+".join(re.escape(part) for part in normalize(approx).split())
    found = re.search(pattern, normalize(text))
    if not found:
        raise SystemExit(f"quote not found: {approx!r}")
    return text[found.start():found.end()]  # normalize() keeps lengths, so offsets carry over


def load_corpus() -> dict[str, dict]:
    docs: dict[str, dict] = {}
    corpus = ROOT.parent / "shared/corpus"
    for path in [*sorted((corpus / "statements").glob("*.jsonl")), corpus / "seed/seed.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                docs[doc["id"]] = doc
    return docs


def main() -> None:
    docs = load_corpus()
    listed = [x.strip() for x in (ROOT / "evals/statements.txt").read_text().splitlines()
              if x.strip() and not x.startswith("#")]
    out = []
    for n, (qtype, question, answers, quotes, tags, note) in enumerate(Q, 1):
        gold_quotes = []
        for prefix, approx in quotes:
            matches = [i for i in listed if i == prefix] or [i for i in listed if i.startswith(prefix)]
            if len(matches) != 1:
                raise SystemExit(f"q{n}: {prefix!r} matches {len(matches)} listed statements")
            gold_quotes.append({"doc_id": matches[0], "quote": locate(docs[matches[0]]["text"], approx)})
        gold_ids = list(dict.fromkeys(q["doc_id"] for q in gold_quotes))
        row = {"id": f"q{n:03d}", "question": question, "type": qtype, "answers": answers,
               "gold_ids": gold_ids, "gold_quotes": gold_quotes, "tags": tags}
        if note:
            row["note"] = note
        out.append(json.dumps(row, ensure_ascii=False))
    (ROOT / "evals/questions.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {len(out)} questions", file=sys.stderr)


if __name__ == "__main__":
    main()
